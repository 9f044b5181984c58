"""The all-or-nothing Excel import of firm requests (企业诉求, decision 0020): each row is raised as by hand
(``request_create``: the request, its raise event, the problem_raise audit row, the office's reminder).

Who imports for which firm: a firm account for its own firm only (an empty 企业 cell is its firm, another firm is
a row error); an editor (office, district ...) for the firms in its writable scope, and the request must then be
in the editor's own view. A firm and title given twice in the file is a row error; a request of that firm and
title already stored is left alone (unchanged), so an exported list reads back without new rows."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainleader.accounts.policy import firm_of, is_editor
from chainleader.chains.lookups import ChainResolver
from chainleader.core.exceptions import WorkflowForbidden
from chainleader.core.imports import ImportJob, ImportPlan, Lookup, RowChange, import_service
from chainleader.enterprises.lookups import FirmResolver
from chainleader.enterprises.models import Enterprise

from ..models import Problem, Project
from .problems import FIRM_CATEGORIES, request_create

DUPLICATE = gettext_lazy("The same firm and request are also in row %(row)s.")


class _Projects(Lookup[Project]):
    """A project the actor sees, by its code (the template) or its exact name (the list's export)."""

    def __init__(self, actor: Any, words: list[Any]) -> None:
        super().__init__(tables=2)
        words = [w for w in {str(w or "").strip() for w in words} if w]
        visible = Project.objects.for_user(actor)
        for project in visible.filter(Q(code__in=words) | Q(name__in=words)):
            self.add(0, project.code, project)
            self.add(1, project.name, project)

    def unknown(self) -> str:
        return _("Unknown project code (or outside your data scope).")

    def several(self) -> str:
        return _("Several projects have this name: give the project code.")


def may_import_requests(user: Any) -> bool:
    """A firm account linked to its firm, or an editor (for the firms in its scope)."""
    return firm_of(user) is not None or is_editor(user)


@import_service(Problem)
def request_import(job: ImportJob[Problem]) -> ImportPlan:
    """Import firm requests (new rows only; see the module)."""
    actor, rows = job.actor, job.rows
    if not may_import_requests(actor):
        raise WorkflowForbidden(_("Your role may not import firm requests."))
    own = firm_of(actor)
    own_firm = Enterprise.objects.get(pk=own) if own is not None else None
    words = [r.values.get("enterprise") for r in rows]
    firms = FirmResolver(Enterprise.objects.for_user(actor, write=True), words)
    chains = ChainResolver.for_user(actor)
    projects = _Projects(actor, [r.values.get("project") for r in rows])
    categories = dict(Problem.Category.choices)
    prepared: list[tuple[Any, dict[str, Any]]] = []
    for row in rows:
        v = row.values
        word = str(v.get("enterprise") or "").strip()
        firm: Enterprise | None = None
        if own_firm is not None:
            if word and word not in (own_firm.uscc, own_firm.name):
                job.error(
                    row.row,
                    "企业",
                    word,
                    _("A firm account imports requests for its own firm only."),
                )
            else:
                firm = own_firm
        elif not word:
            job.error(row.row, "企业", "", _("Name the firm (credit code or exact name)."))
        else:
            firm = job.resolve(firms, row, "企业", word)
        category = v.get("category")
        if category not in FIRM_CATEGORIES:
            job.error(
                row.row,
                "诉求类别",
                categories.get(category, category),
                _("Not a category of firm requests."),
            )
        title = str(v.get("title") or "").strip()
        description = str(v.get("description") or "").strip()
        project = None
        chain = None
        if v.get("project"):
            project = job.resolve(projects, row, "关联项目", str(v["project"]).strip())
            if project is not None:
                chain = project.chain
        elif v.get("chain"):
            chain = job.resolve(chains, row, "产业链", v["chain"])
        if firm is None or not title:
            continue
        if not job.first(row, (firm.pk, title), column="诉求", value=title, message=DUPLICATE):
            continue
        prepared.append(
            (
                row,
                {
                    "enterprise": firm,
                    "title": title,
                    "description": description,
                    "category": category,
                    "chain": chain,
                    "project": project,
                },
            )
        )
    job.check()
    stored = set(
        Problem.objects.filter(
            source=Problem.Source.FIRM,
            enterprise__in={d["enterprise"].pk for _r, d in prepared},
            title__in={d["title"] for _r, d in prepared},
        ).values_list("enterprise_id", "title")
    )
    pending: list[tuple[Any, dict[str, Any]]] = []
    for row, data in prepared:
        label = f"{data['enterprise'].name} {data['title']}"
        if (data["enterprise"].pk, data["title"]) in stored:
            job.plan.unchanged.append(RowChange(row.row, label))
        else:
            pending.append((row, data))
            job.create(row, data, label, bulk=False)
    # Raised one by one as by hand; a row the actor would not see afterwards is an error (rolls all back).
    written: list[tuple[Any, Problem]] = [
        (row, request_create(actor=actor, **data)) for row, data in pending
    ]
    job.saved = written  # the records in place of their planned fields
    visible = set(
        Problem.objects.for_user(actor)
        .filter(pk__in=[p.pk for _r, p in written])
        .values_list("pk", flat=True)
    )
    for row, problem in written:
        if problem.pk not in visible:
            job.error(
                row.row,
                "企业",
                str(problem.enterprise),
                _("This record would be outside your data scope."),
            )
    job.check()
    job.run.checkpoint(job.plan)  # a preview ends here: its transaction rolls back
    return job.record()
