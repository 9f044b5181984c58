"""A small world for the API tests: one of each record in district A (370211), district B (370212) and
the city chain of the chain team; the department leads chain B and sees none of the figures."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from chainleader.accounts.security import otp_required
from tests.factories import (
    ChainFactory,
    ChainTargetFactory,
    EnterpriseFactory,
    LandZoneFactory,
    ParkFactory,
    PlacementFactory,
    SegmentFactory,
    TierFactory,
    YearFigureFactory,
    region,
)

# A value that must never reach a role without the confidential grant (SECURITY.md AC3).
SENTINEL_TAX = Decimal("987654321.12")


@pytest.fixture
def api():
    """APIClient signed in through the session, so every request loads the user (and its scope) afresh.

    Roles that need a second factor (SECURITY.md A3) get a session that has passed the OTP step, as after
    a real TOTP login; otherwise OTPRequiredMiddleware sends every request to the OTP page.
    """

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
            if otp_required(user):
                device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
        return client

    return make


@pytest.fixture
def world(district_a_unit, district_b_unit, department_unit, team_chain, firm):
    a, b = region("370211"), region("370212")
    w = SimpleNamespace()
    w.ent_a = EnterpriseFactory(name="甲区企业有限公司", region=a)
    w.ent_b = EnterpriseFactory(name="乙区企业有限公司", region=b)
    w.firm = firm
    w.park_a = ParkFactory(name="甲区园区", region=a)
    w.park_b = ParkFactory(name="乙区园区", region=b)
    w.lz_a = LandZoneFactory(name="甲区集聚区", region=a)
    w.lz_b = LandZoneFactory(name="乙区集聚区", region=b)
    w.chain_a = ChainFactory(name="甲区产业链", region=a)
    w.chain_b = ChainFactory(name="乙区产业链", region=b, lead_department=department_unit)
    w.team_chain = team_chain
    w.park_b.chains.add(w.chain_b)
    w.seg_a = SegmentFactory(chain=w.chain_a, name="甲环节")
    w.seg_b = SegmentFactory(chain=w.chain_b, name="乙环节")
    w.seg_team = SegmentFactory(chain=team_chain, name="整机制造")
    w.pl_a = PlacementFactory(segment=w.seg_a, enterprise=w.ent_a)
    w.pl_b = PlacementFactory(segment=w.seg_b, enterprise=w.ent_b)
    w.pl_firm = PlacementFactory(segment=w.seg_team, enterprise=firm)
    w.target_a = ChainTargetFactory(chain=w.chain_a)
    w.target_b = ChainTargetFactory(chain=w.chain_b)
    w.tier_a = TierFactory(enterprise=w.ent_a)
    w.tier_b = TierFactory(enterprise=w.ent_b)
    w.fig_a = YearFigureFactory(enterprise=w.ent_a, tax_wan=SENTINEL_TAX)
    w.fig_b = YearFigureFactory(enterprise=w.ent_b, tax_wan=SENTINEL_TAX)
    w.fig_firm = YearFigureFactory(enterprise=firm)
    return w


# endpoint -> (the world's record in district A, the one in district B)
SCOPED_ENDPOINTS = {
    "enterprises": ("ent_a", "ent_b"),
    "parks": ("park_a", "park_b"),
    "land-zones": ("lz_a", "lz_b"),
    "chains": ("chain_a", "chain_b"),
    "segments": ("seg_a", "seg_b"),
    "chain-targets": ("target_a", "target_b"),
    "placements": ("pl_a", "pl_b"),
    "enterprise-tiers": ("tier_a", "tier_b"),
    "year-figures": ("fig_a", "fig_b"),
}
READ_ONLY_ENDPOINTS = ("regions", "industries")
ALL_ENDPOINTS = (*READ_ONLY_ENDPOINTS, *SCOPED_ENDPOINTS)


def ids(resp) -> set[int]:
    return {row["id"] for row in resp.json()["results"]}
