"""The import endpoint of the API (issue 18): the same pipeline as the import pages, with a dry-run flag.

``POST /api/imports/{kind}/`` with a multipart ``file``: ``dry_run=true`` returns the plan (new, updated field by
field, unchanged, notices) and writes nothing; without it the import is written, and when ``expected_digest``
(the ``digest`` of a dry run) is given it is written only if the plan is still that one (409 otherwise).
Row errors give 400 with every error (sheet, row, column, value, message); nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import excel
from .api import WorkflowErrorSerializer
from .exceptions import ImportRejected
from .import_views import IMPORT_VIEWS, audit_rejected
from .imports import PlanChanged, every_error, run_import
from .models import ImportMapping

TRUE = {"1", "true", "yes", "on"}
API_ROWS = 1000  # rows of each kind listed in a response (counts are complete)


class ImportChangeSerializer(serializers.Serializer):
    column = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    label = serializers.CharField()
    changes = ImportChangeSerializer(many=True)


class ImportNoticeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["column", "row", "unit", "month"])
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class ImportPlanSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created_count = serializers.IntegerField()
    updated_count = serializers.IntegerField()
    unchanged_count = serializers.IntegerField()
    created = ImportRowSerializer(many=True)
    updated = ImportRowSerializer(many=True)
    notices = ImportNoticeSerializer(many=True)
    digest = serializers.CharField()
    detail = serializers.CharField(required=False)


class ImportErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    value = serializers.CharField()
    message = serializers.CharField()


class ImportErrorsSerializer(serializers.Serializer):
    # 400: the file's row errors (`detail` and `errors`), or the upload's own fields with their messages
    # (no file, a dry_run that is not a yes/no): DRF's validation errors. (A comment: see core.api.)
    detail = serializers.CharField(required=False)
    errors = ImportErrorSerializer(many=True, required=False)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The .xlsx or .csv file (at most 10 MB, 50,000 rows).")
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Preview only: return the plan, write nothing."
    )
    expected_digest = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="The digest of a dry run: write only if the plan is still that one.",
    )


class ImportView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="imports_create",
        summary="Import an Excel or CSV file (with a dry-run preview)",
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                OpenApiParameter.PATH,
                description="enterprises.enterprise, enterprises.yearfigure, projects.project, "
                "projects.monthlyreport, chains.chain, chains.segment, worklists.workitem",
            )
        ],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportPlanSerializer,
            400: ImportErrorsSerializer,
            401: WorkflowErrorSerializer,
            403: WorkflowErrorSerializer,
            404: OpenApiResponse(WorkflowErrorSerializer, description="No import of this kind."),
            409: ImportPlanSerializer,
        },
        tags=["imports"],
    )
    def post(self, request: Request, kind: str) -> Response:
        view = IMPORT_VIEWS.get(kind)
        if view is None:
            raise NotFound(_("No import of this kind."))
        if not view.may_import(request.user):
            raise PermissionDenied(_("Your role may not import."))
        form = ImportUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        dry_run = bool(form.validated_data.get("dry_run"))
        expected = form.validated_data.get("expected_digest") or None
        upload = form.validated_data["file"]
        mapping = (
            ImportMapping.objects.filter(user=request.user, kind=kind)
            .values_list("mapping", flat=True)
            .first()
        )
        try:
            path = excel.check_upload(upload)
            try:
                rows = excel.read_rows(path, view.columns, mapping=mapping or None)
                plan = run_import(
                    view.import_service,
                    actor=request.user,
                    rows=rows,
                    filename=str(upload.name),
                    dry_run=dry_run,
                    expected=None if dry_run else expected,
                )
            finally:
                excel.cleanup(path)
        except ImportRejected as rejected:
            exc = every_error(
                view.import_service, rejected, actor=request.user, filename=str(upload.name)
            )
            audit_rejected(actor=request.user, kind=kind, filename=str(upload.name), exc=exc)
            return Response(
                {"detail": _("Nothing was imported."), "errors": exc.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except PlanChanged as changed:
            body = self.body(changed.plan, dry_run=True)
            body["detail"] = _("The data changed since the dry run: nothing was written.")
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(self.body(plan, dry_run=dry_run))

    @staticmethod
    def body(plan: Any, *, dry_run: bool) -> dict[str, Any]:
        return {"dry_run": dry_run, **plan.as_dict(limit=API_ROWS)}
