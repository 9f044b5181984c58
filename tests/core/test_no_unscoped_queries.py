"""No unscoped query in a view or the API (STYLE.md §3.3, Zulip's lint): every ``Model.objects`` that a view or an
API module touches starts with ``.for_user(``, and ``get_object_or_404``/``get_list_or_404`` get a queryset, never
a bare model class.

The files are read with ``ast``, so a chain split over lines is still one expression. The few legitimate unscoped
reads are listed in ``ALLOWED`` below, each with its reason: they read the user's own records or data that
carries no data scope, on pages one role reaches.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "chainleader"
PATTERNS = (
    "*/views.py",
    "*/views/*.py",
    "*/*_views.py",  # accounts' admin pages, core's audit and import pages
    "*/api/*.py",
    "core/api.py",
    "core/import_api.py",
)
LOOKUPS = {"get_object_or_404", "get_list_or_404"}

# (file under chainleader/, the model read unscoped) -> why no data scope applies.
ALLOWED = {
    ("accounts/views.py", "TOTPDevice"): (
        "the signed-in user's own second-factor devices (filtered by user=request.user); not business data"
    ),
    (
        "accounts/views.py",
        "StaticToken",
    ): "the signed-in user's own backup codes (device__user=user)",
    ("accounts/admin_views.py", "User"): (
        "account administration: only the security administrator reaches these pages (SecurityAdminMixin, "
        "TP1); accounts carry no data scope"
    ),
    ("accounts/admin_views.py", "OrgUnit"): (
        "organisation units on the security administrator's pages (SecurityAdminMixin, TP1); no data scope"
    ),
    ("core/audit_views.py", "AuditEvent"): (
        "the audit log: only the audit administrator reaches it (TP2); not business data"
    ),
    ("core/import_views.py", "ImportMapping"): (
        "the signed-in user's own saved column mapping (filtered by user=request.user)"
    ),
    ("core/import_api.py", "ImportMapping"): (
        "the signed-in user's own saved column mapping (filtered by user=request.user)"
    ),
}


def files() -> list[Path]:
    found: set[Path] = set()
    for pattern in PATTERNS:
        found.update(PACKAGE.glob(pattern))
    return sorted(p for p in found if p.name != "__init__.py" or p.stat().st_size)


def receiver(node: ast.AST) -> str:
    """The model a manager is read from: ``Segment`` in ``Segment.objects``, ``self.model`` as written."""
    return ast.unparse(node)


def unscoped(path: Path) -> list[tuple[str, int, str]]:
    """(model, line, expression) of every unscoped read in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            parent = parents.get(node)
            scoped = (
                isinstance(parent, ast.Attribute)
                and parent.attr == "for_user"
                and isinstance(parents.get(parent), ast.Call)
                and parents[parent].func is parent
            )
            if not scoped:
                outer = parents.get(parent, parent) if isinstance(parent, ast.Attribute) else node
                found.append((receiver(node.value), node.lineno, ast.unparse(outer)[:80]))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in LOOKUPS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id[:1].isupper()
        ):
            found.append((node.args[0].id, node.lineno, ast.unparse(node)[:80]))
    return sorted(found, key=lambda f: f[1])


def test_the_check_reads_the_views_and_the_api_of_every_app():
    names = {str(p.relative_to(PACKAGE)) for p in files()}
    assert {
        "chains/views.py",
        "projects/views/problems.py",
        "evaluation/views/results.py",
        "enterprises/api/views.py",
        "core/api.py",
        "accounts/admin_views.py",
    } <= names
    assert len(names) >= 40


def test_the_check_finds_an_unscoped_read_and_accepts_a_scoped_one(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text(
        "a = Chain.objects.for_user(u).filter(x=1)\n"
        "b = Segment.objects.filter(chain=c)\n"
        "c = (Park.objects\n     .all())\n"
        "d = get_object_or_404(Project, pk=1)\n"
        "e = get_object_or_404(Project.objects.for_user(u), pk=1)\n"
        "f = self.model.objects.none()\n"
    )
    assert [(m, line) for m, line, _e in unscoped(sample)] == [
        ("Segment", 2),
        ("Park", 3),
        ("Project", 5),
        ("self.model", 7),
    ]


@pytest.mark.parametrize("path", files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_views_and_api_read_models_only_through_for_user(path):
    rel = str(path.relative_to(PACKAGE))
    offenders = [
        f"{rel}:{line} {expr}"
        for model, line, expr in unscoped(path)
        if (rel, model) not in ALLOWED
    ]
    assert offenders == [], "start from Model.objects.for_user(user) (STYLE.md 3.3): " + "; ".join(
        offenders
    )


def test_every_allowance_is_still_needed():
    used = {
        (str(p.relative_to(PACKAGE)), model) for p in files() for model, _line, _expr in unscoped(p)
    }
    assert set(ALLOWED) - used == set()
