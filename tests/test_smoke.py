from django.urls import reverse

from tests.factories import EnterpriseFactory, PlacementFactory, SegmentFactory, region


def test_home_lists_the_users_chains(client, office_user, team_chain):
    SegmentFactory(chain=team_chain)
    client.force_login(office_user)
    resp = client.get(reverse("core:home"))
    assert resp.status_code == 200
    assert "智能家电" in resp.content.decode()


def test_district_user_gets_404_for_another_districts_firm(client, district_a_user):
    firm_in_b = EnterpriseFactory(region=region("370212"))
    client.force_login(district_a_user)
    assert client.get(firm_in_b.get_absolute_url()).status_code == 404


def test_chain_detail_shows_segments_and_firms(client, office_user, team_chain):
    seg = SegmentFactory(chain=team_chain, name="整机制造")
    PlacementFactory(
        segment=seg, enterprise=EnterpriseFactory(name="海尔智家股份有限公司"), role="master"
    )
    client.force_login(office_user)
    body = client.get(team_chain.get_absolute_url()).content.decode()
    assert "整机制造" in body and "海尔智家股份有限公司" in body
