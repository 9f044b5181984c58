"""A firm's own records on its page: yearly figures (confidential), tiers and contacts, added, changed and removed
through the services (history, audit, version), refused outside the writer's scope. (The firm's list, detail,
edit, export, filters and imports: tests/core/test_pages.py and the import tests; the route × role matrix:
tests/core/test_scope_matrix.py.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import Contact, EnterpriseTier, YearFigure
from tests.factories import ContactFactory, EnterpriseFactory, YearFigureFactory, region

pytestmark = pytest.mark.django_db


def events(model: str) -> list[str]:
    return sorted(
        AuditEvent.objects.filter(object_type=f"enterprises.{model}").values_list(
            "event_type", flat=True
        )
    )


def test_a_firms_yearly_figures_are_added_and_changed_with_a_version(client, office_user):
    firm = EnterpriseFactory()
    client.force_login(office_user)
    add = reverse("enterprises:figure_add", args=[firm.pk])
    assert client.get(add).status_code == 200
    resp = client.post(
        add, {"year": 2024, "revenue_wan": "12000", "tax_wan": "800", "land_mu": "40"}
    )
    assert resp.status_code == 302
    fig = YearFigure.objects.get(enterprise=firm)
    edit = reverse("enterprises:figure_edit", args=[firm.pk, fig.pk])
    resp = client.post(edit, {"year": 2024, "revenue_wan": "13000", "tax_wan": "800", "version": 1})
    assert resp.status_code == 302
    fig.refresh_from_db()
    assert (fig.revenue_wan, fig.version) == (13000, 2)
    # A second edit from the same (now stale) form is refused; the newer value stays.
    resp = client.post(edit, {"year": 2024, "revenue_wan": "1", "tax_wan": "800", "version": 1})
    assert resp.status_code == 200 and resp.context["form"].non_field_errors()
    fig.refresh_from_db()
    assert fig.revenue_wan == 13000
    assert events("yearfigure") == ["create", "update"]


def test_a_second_figure_for_the_same_year_is_a_form_error(client, office_user):
    fig = YearFigureFactory(year=2024)
    client.force_login(office_user)
    resp = client.post(
        reverse("enterprises:figure_add", args=[fig.enterprise_id]),
        {"year": 2024, "revenue_wan": "1"},
    )
    assert resp.status_code == 200 and resp.context["form"].errors
    assert YearFigure.objects.count() == 1


def test_a_district_cannot_add_figures_to_another_districts_firm(client, district_a_user):
    firm = EnterpriseFactory(region=region("370212"))
    client.force_login(district_a_user)
    url = reverse("enterprises:figure_add", args=[firm.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"year": 2024, "revenue_wan": "1"}).status_code == 404
    assert not YearFigure.objects.exists()


def test_a_tier_is_added_and_removed(client, office_user):
    firm = EnterpriseFactory()
    client.force_login(office_user)
    resp = client.post(
        reverse("enterprises:tier_add", args=[firm.pk]),
        {"tier": "specialised", "level": "provincial", "year": 2023},
    )
    assert resp.status_code == 302
    tier = EnterpriseTier.objects.get(enterprise=firm)
    delete = reverse("enterprises:tier_delete", args=[firm.pk, tier.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not EnterpriseTier.objects.exists()
    assert events("enterprisetier") == ["create", "delete"]


def test_a_contact_is_added_changed_and_removed(client, office_user):
    firm = EnterpriseFactory()
    client.force_login(office_user)
    resp = client.post(
        reverse("enterprises:contact_add", args=[firm.pk]),
        {"name": "王经理", "title": "总经理", "phone": "13912345678"},
    )
    assert resp.status_code == 302
    contact = Contact.objects.get(enterprise=firm)
    edit = reverse("enterprises:contact_edit", args=[firm.pk, contact.pk])
    resp = client.post(edit, {"name": "王经理", "phone": "13900000000", "version": 1})
    assert resp.status_code == 302
    contact.refresh_from_db()
    assert contact.phone == "13900000000"
    delete = reverse("enterprises:contact_delete", args=[firm.pk, contact.pk])
    assert client.post(delete).status_code == 302
    assert not Contact.objects.exists()
    assert events("contact") == ["create", "delete", "update"]


def test_a_contact_of_another_firm_is_not_found_under_this_one(client, office_user):
    firm = EnterpriseFactory()
    contact = ContactFactory()
    client.force_login(office_user)
    url = reverse("enterprises:contact_edit", args=[firm.pk, contact.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("enterprises:contact_delete", args=[firm.pk, contact.pk])).status_code
        == 404
    )
    assert Contact.objects.filter(pk=contact.pk).exists()
