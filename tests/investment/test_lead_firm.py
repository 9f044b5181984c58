"""A lead names its target firm; when the registry has that firm (by credit code, or a name one firm alone
bears, among the firms the writer sees) the lead links it, and the firm's page lists the lead by the link
(issue 15: leads were matched by the name's exact spelling)."""

from __future__ import annotations

from django.urls import reverse

from chainleader.investment import selectors, services
from tests.factories import ChainFactory, EnterpriseFactory, region


def test_a_lead_links_the_registry_firm_by_name_or_credit_code(office_user):
    chain = ChainFactory(name="智能家电", level="city", region=region("3702"))
    firm = EnterpriseFactory(name="青岛海尔股份有限公司", uscc="91370200163562681G")
    by_name = services.lead_create(
        actor=office_user, data={"chain": chain, "firm_name": "青岛海尔股份有限公司"}
    )
    by_code = services.lead_create(
        actor=office_user, data={"chain": chain, "firm_name": "91370200163562681G"}
    )
    outside = services.lead_create(
        actor=office_user, data={"chain": chain, "firm_name": "某外地公司"}
    )
    assert by_name.enterprise == firm and by_code.enterprise == firm
    assert outside.enterprise is None
    # Renamed to an outside firm: the link goes.
    services.lead_update(
        lead=by_name,
        actor=office_user,
        data={"firm_name": "另一家公司"},
        expected_version=by_name.version,
    )
    by_name.refresh_from_db()
    assert by_name.enterprise is None


def test_two_firms_with_one_name_link_neither(office_user):
    chain = ChainFactory()
    EnterpriseFactory(name="同名公司")
    EnterpriseFactory(name="同名公司")
    lead = services.lead_create(actor=office_user, data={"chain": chain, "firm_name": "同名公司"})
    assert lead.enterprise is None


def test_a_district_links_only_firms_it_sees(district_a_user):
    chain = ChainFactory(level="district", region=region("370211"))
    EnterpriseFactory(name="崂山的企业", region=region("370212"))
    lead = services.lead_create(
        actor=district_a_user,
        data={"chain": chain, "firm_name": "崂山的企业", "district": region("370211")},
    )
    assert lead.enterprise is None


def test_the_firms_page_lists_the_linked_lead_and_the_lead_shows_its_firm(client, office_user):
    chain = ChainFactory()
    firm = EnterpriseFactory(name="青岛海尔股份有限公司", uscc="91370200163562681G")
    lead = services.lead_create(
        actor=office_user, data={"chain": chain, "firm_name": "91370200163562681G"}
    )
    panel = selectors.enterprise_leads_panel(firm, office_user)
    assert panel.count == 1 and panel.rows[0].url == lead.get_absolute_url()
    client.force_login(office_user)
    page = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="lead-firm"' in page and firm.get_absolute_url() in page
    assert client.get(reverse("api:lead-detail", args=[lead.pk])).json()["enterprise"] == firm.pk
