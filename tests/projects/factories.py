"""Factories of project data: the smallest valid object; a test sets only what its behaviour needs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from chainleader.accounts.models import OrgUnit
from chainleader.projects.models import MonthlyReport, Problem, Project, StageChange, StartBatch
from chainleader.worklists.models import WorkItem, WorkItemNote
from tests.factories import ChainFactory, OrgUnitFactory, region


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"XM2026-{n + 1:05d}")
    name = factory.Sequence(lambda n: f"测试项目{n}")
    chain = factory.SubFactory(ChainFactory)
    district = factory.LazyFunction(lambda: region("370211"))
    kind = Project.Kind.NEW
    total_investment_yi = Decimal("5")


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = MonthlyReport

    project = factory.SubFactory(ProjectFactory)
    month = date(2026, 1, 1)
    planned_yi = Decimal("1")
    completed_yi = Decimal("1")


class StageChangeFactory(DjangoModelFactory):
    class Meta:
        model = StageChange

    project = factory.SubFactory(ProjectFactory)
    from_stage = "signed"
    to_stage = "registered"
    direction = "forward"
    evidence = "备案证明"
    evidence_file = factory.django.FileField(filename="evidence.pdf", data=b"%PDF-1.4 test")


class ProblemFactory(DjangoModelFactory):
    class Meta:
        model = Problem

    chain = factory.SubFactory(ChainFactory)
    title = factory.Sequence(lambda n: f"问题{n}")
    raised_on = date(2026, 3, 1)


class BatchFactory(DjangoModelFactory):
    class Meta:
        model = StartBatch

    name = factory.Sequence(lambda n: f"集中开工{n}")
    held_on = date(2026, 3, 18)
    region = factory.LazyFunction(lambda: region("370211"))


class WorkItemFactory(DjangoModelFactory):
    class Meta:
        model = WorkItem

    kind = WorkItem.Kind.TASK
    chain = factory.SubFactory(ChainFactory)
    year = 2026
    title = factory.Sequence(lambda n: f"重点任务{n}")
    owner_unit = factory.SubFactory(OrgUnitFactory, kind=OrgUnit.Kind.DEPARTMENT)
    deadline = date(2026, 6, 30)


class WorkItemNoteFactory(DjangoModelFactory):
    class Meta:
        model = WorkItemNote

    item = factory.SubFactory(WorkItemFactory)
    text = "进展"
    attachment = factory.django.FileField(filename="note.pdf", data=b"%PDF-1.4 test")
