"""manage.py import_chain_graph and the background task."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tasks import TaskResultStatus

from chainleader.chainmap.models import GraphCompany, GraphImport, ProductLink
from chainleader.chainmap.tasks import graph_import_task

from .graphs import SMALL_GRAPH, write_graph

pytestmark = pytest.mark.django_db


def bad_graph(folder):
    cp = [list(r) for r in SMALL_GRAPH["company_product.csv"]]
    cp[2][3] = "abc"
    return write_graph(folder, {"company_product.csv": cp})


def test_command_prints_a_summary_table(graph_dir):
    out, err = StringIO(), StringIO()
    call_command("import_chain_graph", str(graph_dir), stdout=out, stderr=err)
    text = out.getvalue()
    assert "导入完成" in text
    assert "读取" in text
    assert "新增" in text
    assert "companies.csv" in text
    assert "自环 1" in text
    assert "100%" in err.getvalue()  # the progress bar
    assert GraphCompany.objects.count() == 4


def test_command_lists_errors_and_exits_non_zero(tmp_path):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command(
            "import_chain_graph",
            str(bad_graph(tmp_path / "bad")),
            "--no-progress",
            stdout=out,
            stderr=err,
        )
    assert "文件 company_product.csv 第 4 行 字段 weight：" in err.getvalue()
    assert GraphCompany.objects.count() == 0
    assert GraphImport.objects.count() == 0


def test_task_runs_the_import_and_returns_its_id(graph_dir, office_user):
    result = graph_import_task.enqueue(str(graph_dir), office_user.pk)

    assert result.status == TaskResultStatus.SUCCESSFUL
    record = GraphImport.objects.get(pk=result.return_value)
    assert record.status == GraphImport.Status.DONE
    assert record.progress == 100
    assert ProductLink.objects.count() == 6


def test_task_records_a_rejected_import_with_its_errors(tmp_path):
    result = graph_import_task.enqueue(str(bad_graph(tmp_path / "bad")), None)

    assert result.status == TaskResultStatus.SUCCESSFUL
    record = GraphImport.objects.get(pk=result.return_value)
    assert record.status == GraphImport.Status.FAILED
    assert "文件 company_product.csv 第 4 行 字段 weight" in record.message
    assert GraphCompany.objects.count() == 0
