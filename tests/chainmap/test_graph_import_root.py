"""The graph import page reads folders in its import directory only (issue 13 item 7).

Office and system admin could give any server path, and the errors told which system directories exist;
failed imports were not audited. Now a path outside CHAINLEADER_GRAPH_IMPORT_ROOT gets one answer whether or
not it exists, and every refused or failed import writes an `import` row with outcome failure.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from chainleader.chainmap.models import GraphImport
from chainleader.core.models import AuditEvent, Job

from .graphs import write_graph

pytestmark = pytest.mark.django_db
URL = "chainmap:graph_import"


@pytest.fixture
def root(settings, tmp_path):
    settings.CHAINLEADER_GRAPH_IMPORT_ROOT = tmp_path / "imports"
    (tmp_path / "imports").mkdir()
    return tmp_path / "imports"


def failures():
    return AuditEvent.objects.filter(
        event_type="import", object_type="chainmap.graphimport", outcome="failure"
    )


def refusal(client, path):
    resp = client.post(reverse(URL), {"path": path})
    assert resp.status_code == 200
    return resp.context["error"], resp.content.decode()


def test_paths_outside_the_import_directory_get_one_answer_and_are_audited(
    client, root, tmp_path, system_admin
):
    (tmp_path / "elsewhere").mkdir()
    (root / "escape").symlink_to(tmp_path / "elsewhere")
    client.force_login(system_admin)
    outside = [
        "/etc",  # exists
        "/no/such/directory/anywhere",  # does not
        str(tmp_path / "elsewhere"),
        "../elsewhere",
        "escape",  # a link out of the directory
        "no-such-folder",
    ]
    answers = {refusal(client, path)[0] for path in outside}
    assert len(answers) == 1
    assert not Job.objects.filter(kind="graph_import").exists()
    assert [e.detail["folder"] for e in failures().order_by("id")] == outside
    assert all(e.user == system_admin for e in failures())
    _error, body = refusal(client, "/etc")
    assert "/etc" not in body.replace(
        'value="/etc"', ""
    )  # echoed in the field only, never in a message


def test_a_folder_in_the_import_directory_is_imported_by_name(client, root, office_user):
    from .test_maps import CHANGES

    write_graph(root / "chainkg-2026", CHANGES)
    client.force_login(office_user)
    assert client.post(reverse(URL), {"path": "chainkg-2026"}).status_code == 302
    assert Job.objects.get(kind="graph_import").status == Job.Status.DONE
    assert GraphImport.objects.filter(status=GraphImport.Status.DONE).count() == 1
    assert not failures().exists()


def test_a_rejected_graph_import_is_audited_with_its_error_count(client, root, office_user):
    write_graph(root / "bad", {"company_product.csv": [["600690.SH", "海尔智家", "空调", "lots"]]})
    client.force_login(office_user)
    client.post(reverse(URL), {"path": "bad"})
    assert Job.objects.get(kind="graph_import").status == Job.Status.FAILED
    row = failures().get()
    assert row.user == office_user and row.detail["folder"] == "bad" and row.detail["errors"] >= 1
