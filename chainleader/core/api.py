"""API building blocks: capped pagination (SECURITY.md CF4), the ServiceError/StaleEdit exception mapping,
and the generic scoped viewsets, serializers and related fields every app's api/ is declared on.

- ScopedModelViewSet: the queryset is always Model.objects.for_user(request.user) (AC1: out of scope is 404);
  writes only for the editor roles (core.policy.is_editor; others 403); create/update/delete go through services;
  updates need the version the client read, in the body or as If-Match (RL1: stale is 409, or 412 with If-Match).
- ScopedPrimaryKeyRelatedField / ScopedSlugRelatedField: related choices come from for_user() of the
  request's user, so nobody can attach a record to one they cannot see (STYLE.md 3.3, SECURITY.md AC4).
- VersionedModelSerializer: lists its fields explicitly; `version` is a precondition, never assigned.

The DRF settings hooks (pagination, exception handler) live in core.drf, which imports no DRF views.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.fields import get_attribute
from rest_framework.filters import SearchFilter
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField
from rest_framework.response import Response
from rest_framework.settings import api_settings

from . import services
from .exceptions import StaleEdit
from .policy import is_editor

# --- Optimistic locking over HTTP (SECURITY.md RL1, RFC 9110 If-Match / RFC 6585 428) -------------------


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "This record was changed by someone else. Reload it to see the newer values."
    )
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = gettext_lazy(
        'Send the version you read: "version" in the body or an If-Match: "<version>" header.'
    )
    default_code = "precondition_required"


_ETAG = re.compile(r'^\s*"?(\d{1,10})"?\s*$')


def parse_if_match(header: str) -> int | None:
    """The version named by an If-Match header; None for "*" (any version). Unmatchable tags give 412.

    A weak tag (W/"3") never matches under If-Match's strong comparison; neither does a list of tags.
    """
    value = header.strip()
    if value == "*":
        return None
    match = _ETAG.match(value)
    if match is None:
        raise PreconditionFailed(_('If-Match must name one version, e.g. If-Match: "3".'))
    return int(match.group(1))


def etag_for(version: Any) -> str | None:
    return f'"{int(version)}"' if isinstance(version, int) else None


# --- Permissions -------------------------------------------------------------------------------------


class IsEditorOrReadOnly(permissions.BasePermission):
    """Reads for every signed-in user (within scope); writes for the roles may_write() names (the editor
    roles, core.policy.is_editor; a subclass may name another rule of accounts.policy), others 403."""

    message = gettext_lazy("Your role may not change records.")

    def may_write(self, user: Any) -> bool:
        return is_editor(user)

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or self.may_write(request.user)


# --- Scoped related fields ---------------------------------------------------------------------------


def scoped_prefetch_attr(name: str) -> str:
    """Where ScopedModelViewSet puts the scoped prefetch of a to-many relation `name`."""
    return f"_scoped_{name}"


class ScopedManyRelatedField(ManyRelatedField):
    """A to-many relation that only shows and accepts the related records the user can see."""

    max_items = 200

    def to_internal_value(self, data: Any) -> list[Any]:
        if not isinstance(data, str) and hasattr(data, "__len__") and len(data) > self.max_items:
            raise ValidationError(_("At most %(n)s items.") % {"n": self.max_items})
        unique = {
            obj.pk: obj for obj in super().to_internal_value(data)
        }  # drop repeats, keep order
        return list(unique.values())

    def get_attribute(self, instance: Any) -> Any:
        if getattr(instance, "pk", None) is None:
            return []
        cached = getattr(instance, scoped_prefetch_attr(str(self.source)), None)
        if cached is not None:
            return cached
        relationship = get_attribute(instance, self.source_attrs)
        child: Any = self.child_relation
        visible = child.get_queryset().values("pk")
        return relationship.filter(pk__in=visible)


class ScopedRelatedFieldMixin:
    """Choices = model.objects.for_user(request user) [.filter(**limit_choices_to)], resolved per request.

    `scoped=False` is for models that carry no data scope (organisation units): then any signed-in user's
    choices are the whole (limited) table. The class-level queryset is `.none()`, so nothing that bypasses
    get_queryset() can see a row (fail closed); drf-spectacular reads the model from it.
    """

    def __init__(
        self,
        *,
        model: type[models.Model] | None = None,
        limit_choices_to: dict[str, Any] | None = None,
        scoped: bool = True,
        **kwargs: Any,
    ) -> None:
        if model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs model=")
        manager = model._default_manager
        if scoped and not hasattr(manager, "for_user"):
            raise ImproperlyConfigured(
                f"{model.__name__} has no for_user(): pass scoped=False explicitly"
            )
        self.related_model = model
        self.limit_choices_to = dict(limit_choices_to or {})
        self.scoped = scoped
        if not kwargs.get("read_only"):
            kwargs["queryset"] = manager.none()
        super().__init__(**kwargs)  # type: ignore[call-arg]

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> ScopedManyRelatedField:
        list_kwargs: dict[str, Any] = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS})
        return ScopedManyRelatedField(**list_kwargs)

    def get_queryset(self) -> models.QuerySet:
        request = self.context.get("request")  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        manager: Any = self.related_model._default_manager
        if self.scoped:
            qs = manager.for_user(user)
        else:
            qs = manager.all() if getattr(user, "is_authenticated", False) else manager.none()
        return qs.filter(**self.limit_choices_to) if self.limit_choices_to else qs


class ScopedPrimaryKeyRelatedField(ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField):
    """A foreign key by id whose choices are the user's scoped records (out of scope: "does not exist")."""


class ScopedSlugRelatedField(ScopedRelatedFieldMixin, serializers.SlugRelatedField):
    """A foreign key by a unique code (e.g. a region's 370211), choices scoped like the pk variant."""


# --- Serializers -------------------------------------------------------------------------------------


class VersionedModelSerializer(serializers.ModelSerializer):
    # Base of every writable serializer; subclasses list Meta.fields explicitly (AC4). (A comment, not a
    # docstring: drf-spectacular would copy a docstring into every subclass's schema component.)
    # `version`: in responses, the record's version; in a PUT/PATCH body, the version the client read,
    # checked by the service (stale: 409) and never assigned. `create_only_fields` are writable on
    # create only (the parent a child record belongs to); on update they are read-only.

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2_147_483_647,
        help_text=gettext_lazy(
            "The record's version. On update, send the version you read (or an If-Match header); "
            "a stale one is refused with 409 (412 with If-Match). Never assigned by the client."
        ),
    )
    create_only_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        validators: ClassVar[list[Any]] = []  # uniqueness needs the database: the service checks it

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if isinstance(self.instance, models.Model):
            for name in self.create_only_fields:
                fields[name].read_only = True
        return fields


# --- OpenAPI -----------------------------------------------------------------------------------------

_ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail`, or field names mapped to lists of messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}


def _column_of(field: Any) -> Any:
    """The model column a serializer field shows (its one-step ``source`` on the serializer's model), or None."""
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        column = model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
    return column if getattr(column, "concrete", False) else None


class ScopedSchemaMixin:
    """For drf-spectacular's AutoSchema: documents the error statuses the scoped viewsets return
    (schemathesis' status-code conformance check) and the If-Match header of writes."""

    method: str
    path: str
    registry: Any

    def get_override_parameters(self) -> list[Any]:
        params = list(super().get_override_parameters())  # type: ignore[misc]
        if self.method in ("PUT", "PATCH", "DELETE"):
            params.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description='The version you read, as an entity tag: "3". Stale: 412.',
                )
            )
        return params

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        """A response field whose column may be empty says so: DRF drops ``allow_blank`` from a read-only
        field, and an explicitly declared field does not follow its column's ``null`` (found by the API
        fuzzing: a problem without a chain, an appeal without an outcome)."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)  # type: ignore[misc]
        column = _column_of(field)
        if direction != "response" or column is None or "$ref" in schema or "allOf" in schema:
            return schema
        if "enum" in schema:
            if column.blank and "" not in schema["enum"] and schema.get("type") == "string":
                schema["enum"] = [*schema["enum"], ""]
            if column.null and None not in schema["enum"]:
                schema["enum"] = [*schema["enum"], None]
                schema["nullable"] = True
        elif column.null and "type" in schema:
            schema["nullable"] = True
        return schema

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)  # type: ignore[misc]
        component = ResolvedComponent(
            name="Error",
            type=ResolvedComponent.SCHEMA,
            schema=_ERROR_SCHEMA,
            object="chainleader.Error",
        )
        self.registry.register_on_missing(component)
        detail_route = "{" in self.path
        codes = {"401": "Not signed in.", "403": "Not allowed for your role."}
        if detail_route:
            codes["404"] = "Not found, or outside your data scope."
        if self.method == "GET" and not detail_route:
            codes.update({"400": "Invalid filter value.", "404": "Invalid page."})
        if self.method in ("POST", "PUT", "PATCH"):
            codes["400"] = "Invalid data, or the record would leave your data scope."
        if self.method in ("PUT", "PATCH"):
            codes.update(
                {
                    "409": "Stale version: someone else changed the record.",
                    "412": "If-Match names a stale version.",
                    "428": "No version sent (body `version` or If-Match).",
                }
            )
        if self.method == "DELETE":
            codes.update(
                {"400": "Still used by other records.", "412": "If-Match names a stale version."}
            )
        if self.method == "GET" and any(
            getattr(t, "scope", None) == "confidential"
            for t in getattr(self.view, "throttle_classes", ())
        ):
            codes["429"] = "Too many reads of confidential figures (20 an hour): see Retry-After."
        for code, description in codes.items():
            responses.setdefault(
                code,
                {
                    "content": {"application/json": {"schema": component.ref}},
                    "description": description,
                },
            )
        return responses


class WorkflowErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class InvalidDataSerializer(serializers.Serializer):
    # 400 of a workflow step: `detail`, or the fields of the body mapped to lists of messages (DRF's
    # validation errors). (A comment, not a docstring: drf-spectacular would copy it into the schema.)
    detail = serializers.CharField(required=False)


# The responses of a workflow step (an @action that calls a service), for its @extend_schema: core.drf maps a
# WorkflowForbidden to 403 and a WorkflowConflict or StaleEdit to 409.
WORKFLOW_ERRORS = {
    400: OpenApiResponse(
        InvalidDataSerializer, description="Invalid data: `detail`, or fields with their messages."
    ),
    403: OpenApiResponse(WorkflowErrorSerializer, description="Your role may not take this step."),
    404: OpenApiResponse(
        WorkflowErrorSerializer, description="Not found, or outside your data scope."
    ),
    409: OpenApiResponse(
        WorkflowErrorSerializer,
        description="The record's state does not allow this step, or stale version.",
    ),
}


# --- Viewsets ----------------------------------------------------------------------------------------


class ScopedViewSetMixin:
    """The one choke point of the API: get_queryset() is Model.objects.for_user(request.user).

    Subclasses set `model` (the class-level `queryset` is then `model.objects.none()`, fail closed),
    `select_related`, and `scoped_prefetch`: to-many relations shown as ids, prefetched through the
    related model's for_user() so the output lists only related records the user can see.
    """

    model: ClassVar[type[models.Model]]
    queryset: Any = None
    select_related: ClassVar[tuple[str, ...]] = ()
    scoped_prefetch: ClassVar[tuple[str, ...]] = ()
    request: Any
    filter_backends: ClassVar[list[Any]]
    # Token first: an unauthenticated request gets 401 with WWW-Authenticate rather than 403.
    authentication_classes: ClassVar[list[Any]] = [TokenAuthentication, SessionAuthentication]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        model = cls.__dict__.get("model")
        if model is not None:
            cls.queryset = model._default_manager.none()
            if "filter_backends" not in cls.__dict__ and not getattr(cls, "search_fields", None):
                # No search_fields: leave out SearchFilter so the schema documents no inert ?search=.
                backends: list[Any] = list(api_settings.DEFAULT_FILTER_BACKENDS)
                cls.filter_backends = [b for b in backends if not issubclass(b, SearchFilter)]

    def get_queryset(self) -> models.QuerySet:
        model = self.queryset.model
        user = self.request.user
        # Changing a record needs the writable scope (a district reads city chains but does not edit them).
        write = getattr(self, "action", None) in ("update", "partial_update", "destroy")
        qs = model._default_manager.for_user(user, write=write)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        for name in self.scoped_prefetch:
            related: Any = model._meta.get_field(name).related_model
            qs = qs.prefetch_related(
                Prefetch(
                    name,
                    queryset=related._default_manager.for_user(user),
                    to_attr=scoped_prefetch_attr(name),
                )
            )
        return qs

    def reload(self, obj: models.Model) -> models.Model:
        """The written record as the user's scoped queryset shows it (annotations, scoped relations)."""
        return self.get_queryset().filter(pk=obj.pk).first() or obj

    def step(self, request: Any, serializer_class: Any, run: Any) -> Response:
        """A workflow step: validate the step's body, run the service on the object (found in the user's
        scope, else 404), answer with the object as it is now. The service's refusals are core.drf's 403/409."""
        obj = self.get_object()  # type: ignore[attr-defined]
        body = serializer_class(data=request.data, context=self.get_serializer_context())  # type: ignore[attr-defined]
        body.is_valid(raise_exception=True)
        result = run(obj, body.validated_data)
        return Response(self.get_serializer(self.reload(result)).data)  # type: ignore[attr-defined]


WRITE_METHODS = ("post", "put", "patch", "delete")


class ScopedWriteMixin:
    """Create, update, delete through services, for ScopedModelViewSet.

    Override create_object / update_object to call an app's own service (enterprise_create, segment_save).
    """

    queryset: Any
    request: Any
    reload: Any  # ScopedViewSetMixin.reload
    permission_classes: ClassVar[list[Any]] = [permissions.IsAuthenticated, IsEditorOrReadOnly]
    http_method_names: ClassVar[list[str]] = [*WRITE_METHODS, "get", "head", "options"]

    # -- hooks for an app's services --

    def create_object(self, *, data: dict[str, Any], m2m: dict[str, Any]) -> models.Model:
        return services.object_create(
            model=self.queryset.model, actor=self.request.user, data=data, m2m=m2m
        )

    def update_object(
        self,
        *,
        instance: Any,
        data: dict[str, Any],
        m2m: dict[str, Any],
        expected_version: int | None,
    ) -> models.Model:
        return services.object_update(
            instance=instance,
            actor=self.request.user,
            data=data,
            expected_version=expected_version,
            m2m=m2m,
        )

    def delete_object(self, *, instance: Any) -> None:
        services.object_delete(instance=instance, actor=self.request.user)

    # -- plumbing --

    def split(self, validated: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Plain fields and to-many fields of validated data; the version is never part of either."""
        model = self.queryset.model
        data, m2m = {}, {}
        for name, value in validated.items():
            if name == "version":
                continue
            field = model._meta.get_field(name)
            if field.many_to_many:
                m2m[name] = list(value)
            else:
                data[name] = value
        return data, m2m

    def keep_hidden(self, instance: models.Model, m2m: dict[str, Any]) -> dict[str, Any]:
        """A user replaces only the related records they can see; the others stay linked."""
        out = {}
        for name, values in m2m.items():
            related: Any = type(instance)._meta.get_field(name).related_model
            visible = related._default_manager.for_user(self.request.user).values("pk")
            hidden = getattr(instance, name).exclude(pk__in=visible)
            out[name] = [*values, *hidden]
        return out

    def expected_version(self, serializer: serializers.BaseSerializer) -> tuple[int | None, bool]:
        """(version the client read, whether it came as If-Match); 428 when neither was sent."""
        body = serializer.validated_data.get("version")
        header = self.request.headers.get("If-Match")
        if header is not None:
            tag = parse_if_match(header)
            if tag is None:  # If-Match: * -- any version; a body version still counts
                return body, False
            if body is not None and body != tag:
                raise ValidationError(
                    {"version": [_("The version does not match the If-Match header.")]}
                )
            return tag, True
        if body is None:
            raise PreconditionRequired
        return body, False

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data, m2m = self.split(serializer.validated_data)
        obj = self.create_object(data=data, m2m=m2m)
        serializer.instance = self.reload(obj)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        expected, from_header = self.expected_version(serializer)
        data, m2m = self.split(serializer.validated_data)
        instance: Any = serializer.instance
        m2m = self.keep_hidden(instance, m2m)
        try:
            obj = self.update_object(
                instance=instance, data=data, m2m=m2m, expected_version=expected
            )
        except StaleEdit as exc:
            if from_header:
                raise PreconditionFailed(exc.message) from exc
            raise
        serializer.instance = self.reload(obj)

    def perform_destroy(self, instance: models.Model) -> None:
        header = self.request.headers.get("If-Match")
        if header is not None:
            tag = parse_if_match(header)
            if tag is not None and tag != instance.version:  # type: ignore[attr-defined]
                raise PreconditionFailed
        self.delete_object(instance=instance)

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        data = getattr(response, "data", None)
        # One record in the body (retrieve, create, update): its version as a strong entity tag.
        if 200 <= response.status_code < 300 and isinstance(data, dict) and "id" in data:
            tag = etag_for(data.get("version"))
            if tag:
                response["ETag"] = tag
        return response


# --- The viewsets every app declares on ---------------------------------------------------------------


class ScopedAutoSchema(ScopedSchemaMixin, AutoSchema):
    """drf-spectacular schema that documents the scoped viewsets' error responses and If-Match header."""


class ScopedReadOnlyModelViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[misc]
    """List and retrieve within the user's scope (reference data: every signed-in user)."""

    schema = ScopedAutoSchema()
    permission_classes = [permissions.IsAuthenticated]


class ScopedModelViewSet(ScopedWriteMixin, ScopedViewSetMixin, viewsets.ModelViewSet):  # type: ignore[misc]
    """List, retrieve, create, update, delete within the user's scope; writes go through services."""

    schema = ScopedAutoSchema()
