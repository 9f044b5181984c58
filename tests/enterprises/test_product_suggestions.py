"""Product suggestions (产品推荐): derive from the imported graph, review page, confirm/reject, scopes, audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chainleader.chainmap.models import CompanyProduct, GraphCompany, GraphIndustry
from chainleader.core.exceptions import ServiceError
from chainleader.core.models import AuditEvent
from chainleader.enterprises import services
from chainleader.enterprises.models import EnterpriseProduct, Product, ProductSuggestion
from tests.factories import EnterpriseFactory, region

URL = reverse("enterprises:suggestion_review")

LISTED = [
    # ticker, short name, full name, Shenwan code, products (name, weight)
    (
        "002249.SZ",
        "大洋电机",
        "中山大洋电机股份有限公司",
        "630701",
        [("电机", 0.8), ("微特电机", 0.2)],
    ),
    (
        "600580.SH",
        "卧龙电驱",
        "卧龙电气驱动集团股份有限公司",
        "630701",
        [("电机", 0.6), ("变频器", 0.3)],
    ),
    (
        "002176.SZ",
        "江特电机",
        "江西特种电机股份有限公司",
        "630701",
        [("电机", 0.9), ("平衡项目", -0.1)],
    ),
    ("600276.SH", "恒瑞医药", "江苏恒瑞医药股份有限公司", "370101", [("化学药", 0.9)]),
    ("000963.SZ", "华东医药", "华东医药股份有限公司", "370101", [("化学药", 0.7), ("原料药", 0.1)]),
    ("600036.SH", "招商银行", "招商银行股份有限公司", "480101", [("存款", 0.5), ("贷款", 0.5)]),
]


@pytest.fixture
def graph(db):
    for ticker, name, fullname, code, products in LISTED:
        industry, _ = GraphIndustry.objects.get_or_create(
            code=code, defaults={"name": code, "level": 3}
        )
        company = GraphCompany.objects.create(
            ticker=ticker, name=name, fullname=fullname, industry=industry
        )
        for product, weight in products:
            CompanyProduct.objects.create(
                company=company,
                product=Product.objects.get_or_create(name=product)[0],
                weight=weight,
            )


def motor_firm(code: str = "370211", name: str = "青岛海之星电机有限公司"):
    return EnterpriseFactory(name=name, region=region(code), business_scope="电机制造；变频器销售")


def suggested(firm) -> list[str]:
    return list(
        ProductSuggestion.objects.filter(enterprise=firm, status="pending")
        .order_by("rank")
        .values_list("product__name", flat=True)
    )


def test_a_motor_firm_without_products_gets_motor_products_first(graph, office_user):
    firm = motor_firm()
    counts = services.suggestions_derive(enterprises=[firm], actor=office_user)
    names = suggested(firm)
    assert counts["firms"] == 1
    assert names[0] == "电机"
    assert {"电机", "变频器", "微特电机"} <= set(names)
    assert "平衡项目" not in names
    assert len(names) <= services.SUGGESTIONS_PER_FIRM
    top = ProductSuggestion.objects.get(enterprise=firm, rank=1)
    assert top.reason
    assert AuditEvent.objects.filter(event_type="product_suggestions_derive").count() == 1


def test_a_firm_that_has_products_gets_no_suggestions(graph, office_user):
    firm = motor_firm()
    EnterpriseProduct.objects.create(enterprise=firm, product=Product.objects.get(name="电机"))
    assert services.suggestions_derive(enterprises=[firm], actor=office_user)["firms"] == 0
    assert not ProductSuggestion.objects.filter(enterprise=firm).exists()


def test_deriving_again_replaces_pending_and_never_resuggests_a_decided_product(graph, office_user):
    firm = motor_firm()
    services.suggestions_derive(enterprises=[firm], actor=office_user)
    rejected = ProductSuggestion.objects.get(enterprise=firm, product__name="变频器")
    services.suggestions_decide(suggestions=[rejected], actor=office_user, accept=False)
    services.suggestions_derive(enterprises=[firm], actor=office_user)
    assert "变频器" not in suggested(firm)
    assert ProductSuggestion.objects.get(pk=rejected.pk).status == "rejected"


def test_without_a_product_graph_deriving_is_refused(db, office_user):
    motor_firm()
    with pytest.raises(ServiceError):
        services.suggestions_derive(enterprises=None, actor=office_user)


def test_a_district_derives_only_for_its_own_firms(graph, district_a_user):
    mine, other = motor_firm("370211"), motor_firm("370212", "青岛崂山电机有限公司")
    services.suggestions_derive(enterprises=None, actor=district_a_user)
    assert suggested(mine)
    assert not suggested(other)


def test_confirming_adds_the_product_to_the_firm_and_writes_an_audit_row(
    graph, office_user, client
):
    firm = motor_firm()
    services.suggestions_derive(enterprises=[firm], actor=office_user)
    s = ProductSuggestion.objects.get(enterprise=firm, product__name="电机")
    client.force_login(office_user)
    response = client.post(URL, {"decide": f"confirm:{s.pk}"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.status, s.decided_by) == ("confirmed", office_user)
    assert s.decided_at is not None
    assert EnterpriseProduct.objects.filter(enterprise=firm, product=s.product).exists()
    event = AuditEvent.objects.get(event_type="product_suggestion_confirm")
    assert event.object_id == str(s.pk)


def test_rejecting_adds_no_product(graph, office_user, client):
    firm = motor_firm()
    services.suggestions_derive(enterprises=[firm], actor=office_user)
    s = ProductSuggestion.objects.get(enterprise=firm, rank=1)
    client.force_login(office_user)
    client.post(URL, {"decide": f"reject:{s.pk}"})
    assert ProductSuggestion.objects.get(pk=s.pk).status == "rejected"
    assert not EnterpriseProduct.objects.filter(enterprise=firm).exists()
    assert AuditEvent.objects.filter(event_type="product_suggestion_reject").count() == 1


def test_confirm_selected_confirms_each_selected_row(graph, district_a_user, client):
    firm = motor_firm()
    services.suggestions_derive(enterprises=[firm], actor=district_a_user)
    picked = list(ProductSuggestion.objects.filter(enterprise=firm).order_by("rank")[:2])
    client.force_login(district_a_user)
    client.post(URL, {"action": "confirm_selected", "selected": [str(s.pk) for s in picked]})
    assert set(
        EnterpriseProduct.objects.filter(enterprise=firm).values_list("product_id", flat=True)
    ) == {s.product_id for s in picked}
    assert AuditEvent.objects.filter(event_type="product_suggestion_confirm").count() == 2


def test_a_decided_suggestion_cannot_be_decided_again(graph, office_user, client):
    firm = motor_firm()
    services.suggestions_derive(enterprises=[firm], actor=office_user)
    s = ProductSuggestion.objects.get(enterprise=firm, rank=1)
    client.force_login(office_user)
    client.post(URL, {"decide": f"reject:{s.pk}"})
    response = client.post(URL, {"decide": f"confirm:{s.pk}"}, follow=True)
    assert response.status_code == 200
    assert ProductSuggestion.objects.get(pk=s.pk).status == "rejected"
    assert not EnterpriseProduct.objects.filter(enterprise=firm).exists()


def test_a_firm_account_sees_its_suggestions_but_cannot_confirm(
    graph, office_user, firm, firm_user, client
):
    firm.business_scope = "电机制造"
    firm.save()
    services.suggestions_derive(enterprises=[firm], actor=office_user)
    s = ProductSuggestion.objects.filter(enterprise=firm).first()
    client.force_login(firm_user)
    page = client.get(URL)
    assert page.status_code == 200
    assert s.product.name in page.content.decode()
    assert client.post(URL, {"decide": f"confirm:{s.pk}"}).status_code == 403
    assert ProductSuggestion.objects.get(pk=s.pk).status == "pending"
    assert not EnterpriseProduct.objects.filter(enterprise=firm).exists()
    with pytest.raises(ServiceError):
        services.suggestions_decide(suggestions=[s], actor=firm_user, accept=True)


def test_a_reader_cannot_confirm(graph, office_user, department_user, client):
    firm = motor_firm()
    services.suggestions_derive(enterprises=[firm], actor=office_user)
    s = ProductSuggestion.objects.get(enterprise=firm, rank=1)
    client.force_login(department_user)
    assert client.post(URL, {"decide": f"confirm:{s.pk}"}).status_code == 403
    assert client.post(URL, {"action": "derive"}).status_code == 403
    assert ProductSuggestion.objects.get(pk=s.pk).status == "pending"


def test_a_district_sees_only_its_firms(graph, office_user, district_a_user, client):
    mine, other = motor_firm("370211"), motor_firm("370212", "青岛崂山电机有限公司")
    services.suggestions_derive(enterprises=None, actor=office_user)
    client.force_login(district_a_user)
    body = client.get(URL).content.decode()
    assert mine.name in body
    assert other.name not in body


def test_a_district_gets_404_for_another_districts_suggestion(
    graph, office_user, district_a_user, client
):
    other = motor_firm("370212", "青岛崂山电机有限公司")
    services.suggestions_derive(enterprises=None, actor=office_user)
    s = ProductSuggestion.objects.filter(enterprise=other).first()
    client.force_login(district_a_user)
    assert client.post(URL, {"decide": f"confirm:{s.pk}"}).status_code == 404
    assert ProductSuggestion.objects.get(pk=s.pk).status == "pending"


def test_the_derive_button_suggests_for_the_users_firms_in_the_background(
    graph, district_a_user, client
):
    mine = motor_firm("370211")
    client.force_login(district_a_user)
    assert client.post(URL, {"action": "derive"}).status_code == 302
    assert suggested(mine)


@pytest.mark.parametrize(
    "data",
    [
        {"decide": "confirm:abc"},
        {"decide": "confirm:"},
        {"decide": "x"},
        {"action": "confirm_selected"},
        {"action": "confirm_selected", "selected": ["1e9", "-1"]},
        {"selected": ["99999999"]},
        {"page": "zz", "decide": "reject:99999999"},
    ],
)
def test_bad_input_gives_no_server_error(graph, office_user, client, data):
    client.force_login(office_user)
    assert client.post(URL, data).status_code in (302, 404)
    assert client.get(URL, {"page": "zz"}).status_code == 200


def test_the_command_suggests_for_every_firm_without_products(graph):
    import io

    from django.core.management import call_command

    mine, other = motor_firm("370211"), motor_firm("370212", "青岛崂山电机有限公司")
    call_command("derive_product_suggestions", stdout=io.StringIO())
    assert suggested(mine)
    assert suggested(other)


def test_the_command_without_a_graph_fails_with_a_message(db):
    from django.core.management import CommandError, call_command

    motor_firm()
    with pytest.raises(CommandError):
        call_command("derive_product_suggestions")


def test_the_firm_page_links_to_its_pending_suggestions(graph, office_user, client):
    firm = motor_firm()
    services.suggestions_derive(enterprises=[firm], actor=office_user)
    client.force_login(office_user)
    body = client.get(firm.get_absolute_url()).content.decode()
    assert URL in body


def test_the_derive_button_without_a_graph_says_so(db, office_user, client):
    motor_firm()
    client.force_login(office_user)
    response = client.post(URL, {"action": "derive"}, follow=True)
    assert response.status_code == 200
    assert not ProductSuggestion.objects.exists()
