"""factory-boy factories: the smallest valid object; tests set only the fields their behaviour needs."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from chainleader.accounts.models import OrgUnit, Role, User
from chainleader.chains.models import Chain, ChainTarget, Placement, Segment
from chainleader.core.validators import uscc_check_char
from chainleader.enterprises.models import Contact, Enterprise, EnterpriseTier, YearFigure
from chainleader.parks.models import LandZone, Park
from chainleader.reference.models import Region


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_uscc(n: int, area: str = "370211") -> str:
    """A valid unified social credit code: 91 + region + 9-character organisation code + check character."""
    body = f"91{area}{n:09d}"[:17]
    return body + uscc_check_char(body)


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(lambda n: make_uscc(100000 + n))
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    region = factory.LazyFunction(lambda: region("370211"))


class YearFigureFactory(DjangoModelFactory):
    class Meta:
        model = YearFigure

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2024
    revenue_wan = 10000
    tax_wan = 500
    land_mu = 50


class TierFactory(DjangoModelFactory):
    class Meta:
        model = EnterpriseTier

    enterprise = factory.SubFactory(EnterpriseFactory)
    tier = EnterpriseTier.Tier.SPECIALISED
    level = EnterpriseTier.Level.PROVINCIAL
    year = 2023


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = "张联系"
    phone = "13812345678"


class OrgUnitFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = OrgUnit.Kind.DEPARTMENT


class ChainFactory(DjangoModelFactory):
    class Meta:
        model = Chain

    name = factory.Sequence(lambda n: f"测试产业链{n}")
    level = Chain.Level.DISTRICT
    region = factory.LazyFunction(lambda: region("370211"))
    category = Chain.Category.EMERGING


class ChainTargetFactory(DjangoModelFactory):
    class Meta:
        model = ChainTarget

    chain = factory.SubFactory(ChainFactory)
    year = 2025
    indicator = "产值"
    value = 1000
    unit = "亿元"


class SegmentFactory(DjangoModelFactory):
    class Meta:
        model = Segment

    chain = factory.SubFactory(ChainFactory)
    name = factory.Sequence(lambda n: f"环节{n}")
    position = Segment.Position.MIDSTREAM


class PlacementFactory(DjangoModelFactory):
    class Meta:
        model = Placement

    segment = factory.SubFactory(SegmentFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)


class ParkFactory(DjangoModelFactory):
    class Meta:
        model = Park

    name = factory.Sequence(lambda n: f"测试园区{n}")
    region = factory.LazyFunction(lambda: region("370211"))


class LandZoneFactory(DjangoModelFactory):
    class Meta:
        model = LandZone

    name = factory.Sequence(lambda n: f"测试集聚区{n}")
    kind = LandZone.Kind.AGGLOMERATION
    region = factory.LazyFunction(lambda: region("370211"))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.OFFICE
    password = factory.PostGenerationMethodCall("set_password", "Test-Passw0rd!")

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
