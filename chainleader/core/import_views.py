"""Excel import pages: template, upload → preview → confirm, and the column-mapping screen (issue 18).

An upload is checked (IN1), read and run through its service as a preview: the page shows what would happen
(new, updated field by field, unchanged, rows and columns skipped with reasons, every error) and nothing is
written. The file waits in the private upload directory under a token held in the user's session until the
user confirms (the service runs again and writes only if the plan is still the one shown), cancels, or an
hour passes; it is deleted in every case (DP3).
"""

from __future__ import annotations

import logging
import secrets
import time
from pathlib import Path
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from . import audit, excel
from .exceptions import HeadersMissing, ImportRejected
from .imports import ImportPlan, PlanChanged, every_error, run_import
from .models import AuditEvent, ImportMapping
from .policy import is_editor
from .views import ScopedMixin

logger = logging.getLogger(__name__)

SESSION_KEY = "chainleader_imports"
PENDING_PREFIX = "pending-"
PENDING_MAX_AGE = 3600  # seconds a previewed upload waits for its confirmation
MAX_PENDING = 5  # per session

# import kind -> view class; the API's import endpoint offers the same kinds.
IMPORT_VIEWS: dict[str, type[ObjectImportView]] = {}


def audit_rejected(*, actor: Any, kind: str, filename: str, exc: ImportRejected) -> None:
    """The audit row of a refused import (AU1: imports, failures included): the file and its error count."""
    audit.record(
        actor=actor,
        event_type="import",
        object_type=kind,
        outcome=AuditEvent.Outcome.FAILURE,
        detail={"file": str(filename)[:200], "errors": len(exc.errors)},
    )


def purge_pending(max_age: int = PENDING_MAX_AGE) -> int:
    """Delete previewed uploads older than ``max_age`` seconds (DP3); returns how many were deleted."""
    cutoff = time.time() - max_age
    removed = 0
    for path in excel.upload_dir().glob(f"{PENDING_PREFIX}*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue
    return removed


class ObjectImportView(ScopedMixin, View):
    """Excel import: template download (?template=1), upload, preview, confirm; all-or-nothing with a row-level
    error report; a column-mapping screen for files laid out differently."""

    template_name = "core/object_import.html"
    preview_template_name = "core/import_preview.html"
    mapping_template_name = "core/import_mapping.html"
    columns: list[excel.ExcelColumn] = []
    import_service: Any = None
    list_url_name = ""
    examples: list[list[Any]] = []
    import_kind = ""  # defaults to the model's label ("enterprises.enterprise")
    registry: ClassVar[dict[str, type[ObjectImportView]]] = IMPORT_VIEWS

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        model = getattr(cls, "model", None)
        if cls.import_service is not None and model is not None:
            cls.registry[cls.kind()] = cls

    @classmethod
    def kind(cls) -> str:
        return cls.import_kind or cls.model._meta.label_lower

    @classmethod
    def service(cls) -> Any:
        return cls.import_service

    @classmethod
    def may_import(cls, user: Any) -> bool:
        """Whether ``user``'s role may use this import, on the page and through the API (default: the editor
        roles; an import whose service checks each row may allow more)."""
        return is_editor(user)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require_editor()
        if self.import_service is None:
            raise ImproperlyConfigured("import_service")
        return super().dispatch(request, *args, **kwargs)

    # --- pages -------------------------------------------------------------------------------

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            **self.meta(),
            "columns": self.columns,
            "list_url_name": self.list_url_name,
            "has_mapping": self.saved_mapping() is not None,
            **extra,
        }

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("template"):
            title = _("%(name)s import template") % {"name": self.meta()["verbose_name_plural"]}
            content = excel.build_template(self.columns, title=title, examples=self.examples)
            return excel.xlsx_response(content, f"{title}.xlsx")
        token = request.GET.get("mapping", "")
        if token and self.pending(token):
            return self.mapping_page(token)
        return render(request, self.template_name, self.context())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "upload")
        token = request.POST.get("token", "")
        if action == "forget-mapping":
            ImportMapping.objects.filter(user=request.user, kind=self.kind()).delete()
            messages.info(request, _("Your column mapping for this import was removed."))
            return redirect(request.path)
        if action != "upload":
            entry = self.pending(token)
            if entry is None:
                return render(
                    request,
                    self.template_name,
                    self.context(
                        error=_(
                            "This preview has expired or was already used: upload the file again."
                        )
                    ),
                )
            if action == "cancel":
                self.forget(token)
                messages.info(request, _("The import was cancelled; nothing was written."))
                return redirect(request.path)
            if action == "mapping":
                self.save_mapping(token)
                return self.preview(token)
            if action == "confirm":
                return self.confirm(token)
            return self.preview(token)
        upload = request.FILES.get("file")
        if upload is None:
            return render(
                request, self.template_name, self.context(error=_("Choose a file to upload."))
            )
        purge_pending()
        excel.purge_stale()  # what a killed process left (DP3)
        try:
            path = excel.check_upload(upload)
        except ImportRejected as exc:
            return self.error_page(exc, upload.name)
        token = self.keep(path, upload.name)
        return self.preview(token)

    def error_page(self, exc: ImportRejected, filename: str) -> HttpResponse:
        """The refusal with every error; audited as a failed import."""
        audit_rejected(actor=self.request.user, kind=self.kind(), filename=filename, exc=exc)
        return render(
            self.request,
            self.template_name,
            self.context(errors=exc.errors[: excel.MAX_ERRORS], error_count=len(exc.errors)),
            status=200,
        )

    # --- the pending upload ------------------------------------------------------------------

    def _entries(self) -> dict[str, dict[str, Any]]:
        return dict(self.request.session.get(SESSION_KEY, {}))

    def keep(self, path: Path, filename: str) -> str:
        """Move the checked upload to a pending file under a new token held in this session."""
        token = secrets.token_urlsafe(16)
        pending = path.with_name(f"{PENDING_PREFIX}{token}{path.suffix.lower()}")
        path.rename(pending)
        entries = self._entries()
        for old in sorted(entries, key=lambda t: entries[t].get("at", 0))[: -MAX_PENDING + 1]:
            stale = entries.pop(old).get("path")
            excel.cleanup(stale)
            excel.cleanup(Path(stale).with_suffix(".rows.json") if stale else None)
        entries[token] = {
            "path": str(pending),
            "name": str(filename)[:200],
            "kind": self.kind(),
            "at": time.time(),
            "digest": "",
        }
        self.request.session[SESSION_KEY] = entries
        return token

    def pending(self, token: str) -> dict[str, Any] | None:
        entry = self._entries().get(str(token))
        if not entry or entry.get("kind") != self.kind():
            return None
        path = Path(entry["path"])
        if not path.exists() or path.parent != excel.upload_dir():
            self.forget(token)
            return None
        return entry

    def entry(self, token: str) -> dict[str, Any]:
        found = self.pending(token)
        if found is None:
            raise Http404(_("This preview has expired or was already used: upload the file again."))
        return found

    def remember(self, token: str, **values: Any) -> None:
        entries = self._entries()
        if token in entries:
            entries[token] = {**entries[token], **values}
            self.request.session[SESSION_KEY] = entries

    def forget(self, token: str) -> None:
        entries = self._entries()
        entry = entries.pop(str(token), None)
        if entry:
            excel.cleanup(entry.get("path"))
            excel.cleanup(Path(entry["path"]).with_suffix(".rows.json"))
        self.request.session[SESSION_KEY] = entries

    # --- mapping -----------------------------------------------------------------------------

    def saved_mapping(self) -> dict[str, str] | None:
        if not self.request.user.is_authenticated:
            return None
        found = (
            ImportMapping.objects.filter(user=self.request.user, kind=self.kind())
            .values_list("mapping", flat=True)
            .first()
        )
        return dict(found) if isinstance(found, dict) else None

    def mapping_page(self, token: str, errors: list[dict[str, Any]] | None = None) -> HttpResponse:
        entry = self.entry(token)
        try:
            found = excel.sniff(entry["path"], self.columns, mapping=self.saved_mapping())
        except ImportRejected as exc:
            self.forget(token)
            return self.error_page(exc, entry["name"])
        fields = [(c.field, c.header + (" *" if c.required else "")) for c in self.columns]
        return render(
            self.request,
            self.mapping_template_name,
            self.context(
                token=token, filename=entry["name"], found=found, fields=fields, errors=errors
            ),
        )

    def save_mapping(self, token: str) -> None:
        entry = self.entry(token)
        found = excel.sniff(entry["path"], self.columns)
        allowed = {c.field for c in self.columns}
        mapping: dict[str, str] = {}
        for index, column in enumerate(found["columns"]):
            chosen = self.request.POST.get(f"col_{index}", "")
            if chosen and chosen not in allowed:
                continue
            mapping[column["key"]] = chosen
        ImportMapping.objects.update_or_create(
            user=self.request.user, kind=self.kind(), defaults={"mapping": mapping}
        )

    # --- preview and confirm -----------------------------------------------------------------

    def read(self, entry: dict[str, Any]) -> Any:
        """The rows of the pending upload: read once for the preview, kept beside it for the confirmation."""
        cache = Path(entry["path"]).with_suffix(".rows.json")
        mapping = self.saved_mapping()
        if cache.exists() and entry.get("mapping") == mapping:
            return excel.load_rows(cache)
        rows = excel.read_rows(entry["path"], self.columns, mapping=mapping)
        excel.dump_rows(rows, cache)
        entry["mapping"] = mapping
        return rows

    def rejected(self, exc: ImportRejected, filename: str) -> ImportRejected:
        """Cell errors plus the service's own (a bad chain beside a bad number): every error at once."""
        return every_error(self.service(), exc, actor=self.request.user, filename=filename)

    def preview(self, token: str, *, changed: bool = False) -> HttpResponse:
        entry = self.entry(token)
        try:
            rows = self.read(entry)
            plan = run_import(
                self.service(),
                actor=self.request.user,
                rows=rows,
                filename=entry["name"],
                dry_run=True,
            )
        except ImportRejected as exc:
            if isinstance(exc, HeadersMissing):
                return self.mapping_page(token, errors=exc.errors)
            self.forget(token)
            return self.error_page(self.rejected(exc, entry["name"]), entry["name"])
        except Exception:
            self.forget(token)  # DP3: no upload is left behind, whatever happened
            raise
        self.remember(token, digest=plan.digest(), mapping=entry.get("mapping"))
        return self.preview_page(token, entry, rows, plan, changed=changed)

    def preview_page(
        self, token: str, entry: dict[str, Any], rows: Any, plan: ImportPlan, *, changed: bool
    ) -> HttpResponse:
        notices = plan.notices
        return render(
            self.request,
            self.preview_template_name,
            self.context(
                token=token,
                filename=entry["name"],
                plan=plan.as_dict(),
                columns_read=[m for m in getattr(rows, "columns", []) if m.field],
                skipped_columns=[n for n in notices if n["kind"] == "column"],
                skipped_rows=[n for n in notices if n["kind"] == "row"],
                conversions=[n for n in notices if n["kind"] in ("unit", "month")],
                skipped_count=sum(1 for n in notices if n["kind"] in ("column", "row")),
                header_row=getattr(rows, "header_row", 0),
                sheet=getattr(rows, "sheet", ""),
                changed=changed,
                mapping_applied=self.saved_mapping() is not None,
            ),
        )

    def confirm(self, token: str) -> HttpResponse:
        entry = self.entry(token)
        try:
            rows = self.read(entry)
            plan = run_import(
                self.service(),
                actor=self.request.user,
                rows=rows,
                filename=entry["name"],
                expected=entry.get("digest") or "-",
            )
        except PlanChanged as exc:
            self.remember(token, digest=exc.plan.digest())
            return self.preview_page(token, entry, rows, exc.plan, changed=True)
        except ImportRejected as exc:
            self.forget(token)
            return self.error_page(self.rejected(exc, entry["name"]), entry["name"])
        except Exception:
            self.forget(token)
            raise
        self.forget(token)
        messages.success(
            self.request,
            _(
                "Imported %(rows)s rows: %(created)s new, %(updated)s updated, %(unchanged)s unchanged."
            )
            % {
                "rows": plan.rows,
                "created": len(plan.created),
                "updated": len(plan.updated),
                "unchanged": len(plan.unchanged),
            },
        )
        return redirect(self.list_url_name)


__all__ = ["IMPORT_VIEWS", "ObjectImportView", "purge_pending"]
