"""Core models: the versioned base for every editable model, and the append-only audit log (审计日志)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    """Editable business record with an optimistic-lock version (SECURITY.md RL1) and timestamps."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditQuerySet(models.QuerySet):
    """The audit log is append-only: bulk update and delete are refused (SECURITY.md AU3)."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit rows are append-only")


class AuditEvent(models.Model):
    """One audit row (审计记录): who did what to which object, when, from where; hash-chained."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("success")
        FAILURE = "failure", _("failure")

    created_at = models.DateTimeField(_("time"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    source_ip = models.CharField(_("source IP"), max_length=45, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    event_type = models.CharField(_("event type"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    row_hash = models.CharField(_("row hash"), max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.event_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit rows are append-only")


class AuditCheckpoint(models.Model):
    """Where the hash chain resumes after old rows were archived and purged (SECURITY.md AU4)."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    last_purged_id = models.BigIntegerField(_("last purged row id"))
    last_hash = models.CharField(_("hash of the last purged row"), max_length=64)
    archive = models.CharField(_("archive file"), max_length=300)
    archive_sha256 = models.CharField(_("archive SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows archived"))
    # HMAC (key from settings, never in the database) over the fields above: plain SQL cannot forge one.
    mac = models.CharField(_("signature"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-last_purged_id"]

    def __str__(self) -> str:
        return f"{self.last_purged_id} {self.archive}"


class AuditPurgeToken(models.Model):
    """Present only inside the purge transaction: the database triggers let DELETE through while it exists.

    The purge signs it (``mac``: HMAC over the rows it may delete, key from settings); a token found outside a
    purge, signed or not, is reported by audit_verify. Whatever a forged token lets through, the seal below
    tells (issue 13 item 7)."""

    created_at = models.DateTimeField(auto_now_add=True)
    up_to_id = models.BigIntegerField(null=True, blank=True)
    mac = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("audit purge token")
        verbose_name_plural = _("audit purge tokens")

    def __str__(self) -> str:
        return str(self.pk)


class AuditSeal(models.Model):
    """The audit log's signed head (one row): the last row's id and hash and how many rows were ever written.

    audit.record() moves it in the same transaction as the row it writes; its HMAC key comes from settings,
    never from the database. Rows deleted from the end of the log (where the hash chain alone cannot tell)
    or from its start leave the chain disagreeing with the seal, and a seal rewritten by plain SQL fails its
    signature (SECURITY.md AU3; issue 13 item 7)."""

    key = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(_("last row id"))
    last_hash = models.CharField(_("hash of the last row"), max_length=64)
    rows = models.BigIntegerField(_("rows written"))
    mac = models.CharField(_("signature"), max_length=64)
    updated_at = models.DateTimeField(_("time"), auto_now=True)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")

    def __str__(self) -> str:
        return f"{self.last_id} {self.rows}"


class JobQuerySet(models.QuerySet):
    def for_user(self, user: Any, *, write: bool = False) -> JobQuerySet:
        """A user follows the jobs they started."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)


class Job(models.Model):
    """A long background job (import, derivation, evaluation) whose progress a page polls (进度)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    result_url = models.CharField(_("result link"), max_length=300, blank=True)
    # A file the job made for the one who started it (a large export): its storage name and download name.
    result_file = models.CharField(_("result file"), max_length=300, blank=True)
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The last sign of life of the worker running it (progress, or its heartbeat every 30 s): a running job
    # without one for CHAINLEADER_JOB_STALE_MINUTES lost its worker (core.jobs.fail_stale_jobs).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.get_status_display()} {self.progress}%"


class ImportMapping(models.Model):
    """A user's own column mapping for one kind of import (issue 18): the file's header, normalised, to the
    field it fills ("" = not imported). Offered again on the next upload of the same kind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_mappings"
    )
    kind = models.CharField(_("import kind"), max_length=100)
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="import_mapping_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
