"""An exported list of work items imports as the same items (issue 11). The import creates items only (they are
then worked through the pages), so the exported file is imported into a database without them: every item comes
back with the same list, chain (智能家电（西海岸新区） beside the city's 智能家电), project, owner and deadline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chainleader.accounts.models import OrgUnit
from chainleader.chains.models import Chain
from chainleader.worklists.models import WorkItem
from tests.factories import ChainFactory, OrgUnitFactory, UserFactory, region
from tests.imports import (
    counts,
    edit_cell,
    exported,
    exported_rows,
    import_file,
    preview,
    skipped_columns,
)
from tests.projects.factories import ProjectFactory, WorkItemFactory

FIELDS = (
    "kind",
    "chain_id",
    "year",
    "title",
    "description",
    "project_id",
    "target_firm",
    "target_investment_yi",
    "owner_unit_id",
    "owner_user_id",
    "deadline",
)


@pytest.fixture
def items(team_chain, department_unit):
    district_chain = ChainFactory(
        name="智能家电", level=Chain.Level.DISTRICT, region=region("370211")
    )
    district = OrgUnitFactory(name="黄岛区", kind=OrgUnit.Kind.DISTRICT, region=region("370211"))
    owner = UserFactory(username="wang", full_name="王处长", org_unit=department_unit)
    project = ProjectFactory(chain=district_chain, total_investment_yi=Decimal("12"))
    return [
        WorkItemFactory(
            chain=team_chain,
            title="编制产业链图谱",
            description="梳理上中下游环节",
            owner_unit=department_unit,
            owner_user=owner,
            deadline=date(2026, 6, 30),
        ),
        WorkItemFactory(
            kind=WorkItem.Kind.CONSTRUCTION,
            chain=district_chain,
            title="推进整机项目",
            project=project,
            owner_unit=district,
            year=2025,
        ),
        WorkItemFactory(
            kind=WorkItem.Kind.INVESTMENT,
            chain=team_chain,
            title="招引压缩机企业",
            target_firm="某压缩机集团",
            target_investment_yi=Decimal("8.5"),
            owner_unit=department_unit,
            status=WorkItem.Status.CLOSED,
        ),
    ]


def values(items) -> list[tuple]:
    return sorted(tuple(getattr(i, f) for f in FIELDS) for i in items)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_exported_item_list_imports_back_as_the_same_items(client, office_user, items, language):
    before = values(WorkItem.objects.all())
    client.force_login(office_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    content = exported(client, reverse("worklists:item_list"))
    rows = {r["事项名称"]: r for r in exported_rows(content)}
    assert rows["推进整机项目"]["清单"] == "重点建设项目"
    assert rows["推进整机项目"]["产业链"] == "智能家电（西海岸新区）"
    assert rows["编制产业链图谱"]["责任人"] == "wang"  # the user name the import reads
    assert isinstance(rows["编制产业链图谱"]["完成时限"], date)
    WorkItem.objects.all().delete()
    resp = preview(client, reverse("worklists:item_import"), content)
    assert counts(resp.context["plan"]) == (3, 0, 0)
    # The status and close-out time are for the reader: imported items start open.
    read_only = {"状态", "销号时间"} if language == "zh-hans" else {"status", "closed out at"}
    assert skipped_columns(resp) == read_only
    resp = import_file(
        client, reverse("worklists:item_import"), SimpleUploadedFile("导出.xlsx", content)
    )
    assert resp.status_code == 302
    assert values(WorkItem.objects.all()) == before
    assert set(WorkItem.objects.values_list("status", flat=True)) == {WorkItem.Status.OPEN}


def test_a_changed_cell_of_the_export_is_the_imported_value(client, office_user, items):
    client.force_login(office_user)
    content = exported(client, reverse("worklists:item_list"))
    row = 2 + [r["事项名称"] for r in exported_rows(content)].index("招引压缩机企业")
    content = edit_cell(content, "计划投资（亿元）", row, 9.25)
    WorkItem.objects.all().delete()
    resp = import_file(
        client, reverse("worklists:item_import"), SimpleUploadedFile("导出.xlsx", content)
    )
    assert resp.status_code == 302
    assert WorkItem.objects.get(title="招引压缩机企业").target_investment_yi == Decimal("9.25")
