"""The demo's innovation rows: a handful, all synthetic, on synthetic firms, published by a department (never by
a real firm), one diagnosis turned into an upgrade project; a second run writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from chainleader.accounts.models import Role
from chainleader.challenges.models import (
    Acceptance,
    Challenge,
    Diagnosis,
    DigitalTitle,
    Lab,
    Recommendation,
    Scene,
    SceneApplication,
)
from chainleader.demo.innovation_data import load_innovation
from chainleader.demo.loader import Outcome
from chainleader.enterprises.models import EnterpriseProduct, Product
from chainleader.projects.models import Project
from tests.factories import EnterpriseFactory, PlacementFactory, SegmentFactory, UserFactory, region

pytestmark = pytest.mark.django_db


@dataclass
class FakeLoader:
    out: Outcome = field(default_factory=Outcome)


def test_demo_rows_are_synthetic_and_idempotent(department_unit):
    seg = SegmentFactory()
    real = EnterpriseFactory(name="海尔智家", region=region("370211"))
    PlacementFactory(segment=seg, enterprise=real)
    robot = Product.objects.create(name="机器视觉检测设备")
    for _ in range(12):
        firm = EnterpriseFactory(region=region("370211"), is_synthetic=True)
        PlacementFactory(segment=seg, enterprise=firm)
        EnterpriseProduct.objects.create(enterprise=firm, product=robot)
    UserFactory(username="office", role=Role.OFFICE)
    load_innovation(FakeLoader())
    assert Challenge.objects.count() == 3
    assert set(Challenge.objects.values_list("status", flat=True)) == {
        "accepted",
        "in_progress",
        "published",
    }
    assert Acceptance.objects.count() == 1
    assert Scene.objects.count() == 2 and SceneApplication.objects.count() == 2
    assert Lab.objects.count() == 2 and DigitalTitle.objects.count() == 4
    assert Diagnosis.objects.count() == 8
    for model in (Challenge, Scene, Lab, Diagnosis, DigitalTitle):
        assert not model.objects.filter(is_synthetic=False).exists(), model
    # No row names the real firm; publishers are the department.
    assert not Challenge.objects.exclude(publisher_unit=department_unit).exists()
    assert not Diagnosis.objects.filter(enterprise=real).exists()
    projects = Project.objects.all()
    assert projects.count() == 2 and all(p.is_synthetic and p.kind == "upgrade" for p in projects)
    assert Recommendation.objects.exclude(project=None).count() == 2
    load_innovation(FakeLoader())
    assert Challenge.objects.count() == 3 and Diagnosis.objects.count() == 8
