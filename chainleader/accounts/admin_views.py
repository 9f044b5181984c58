"""The security administrator's pages (安全管理): accounts, roles, data scopes and organisation units.

Only the role security_admin reaches them; every other role, the audit administrator included, gets 403
on every method (三权分立, SECURITY.md TP1/TP2). Thin views: the forms check shape, the services in
services.py check the rules and write exactly one audit row per change (STYLE §3.2).

The views name their object class `admin_model`, not `model`: core's scope matrix reads `model` and
expects a for_user() manager, which accounts and units do not have (they are not business data).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from chainleader.core.exceptions import ServiceError, StaleEdit

from . import services
from .admin_forms import (
    OrgUnitForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
)
from .models import OrgUnit, Role, User

PAGE_SIZE = 50


def _form_errors(form: Any, exc: Exception) -> None:
    """Put a service's refusal on the form: on its field when the form has one, else on top."""
    if isinstance(exc, ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        for field, msgs in errors.items():
            form.add_error(field if field in form.fields else None, msgs)
    elif isinstance(exc, ServiceError):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    else:  # pragma: no cover - only the two kinds above are caught
        raise exc


class SecurityAdminMixin(LoginRequiredMixin):
    """The one gate of these pages: signed in, and the role is security_admin; else 403."""

    admin_model: ClassVar[type[models.Model]]
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # One role only: the system and audit administrators manage no accounts (TP1).
        if getattr(request.user, "role", "") != Role.SECURITY_ADMIN:
            raise PermissionDenied
        # Only now the object: a 404 must not tell another role which ids exist.
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def load(self, **kwargs: Any) -> None:
        """Fetch the object the URL names (views with a <pk> override this)."""


# --- accounts --------------------------------------------------------------------------------------------


class UserListView(SecurityAdminMixin, View):
    """Accounts: search by username, name or unit; filter by role and active; 50 a page."""

    admin_model = User

    def get(self, request: HttpRequest) -> HttpResponse:
        form = UserSearchForm(request.GET or None)
        qs = User.objects.select_related("org_unit").order_by("username")
        if form.is_bound and form.is_valid():
            q = form.cleaned_data["q"].strip()
            if q:
                qs = qs.filter(
                    Q(username__icontains=q)
                    | Q(full_name__icontains=q)
                    | Q(org_unit__name__icontains=q)
                )
            if form.cleaned_data["role"]:
                qs = qs.filter(role=form.cleaned_data["role"])
            if form.cleaned_data["active"]:
                qs = qs.filter(is_active=form.cleaned_data["active"] == "1")
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        context = {"form": form, "page_obj": page, "query": params.urlencode(), "tab": "users"}
        return render(request, "accounts/admin/user_list.html", context)


class UserCreateView(SecurityAdminMixin, View):
    """Open an account with an initial password that must be changed at the first login (A4)."""

    admin_model = User
    template_name = "accounts/admin/form.html"

    def page(self, form: UserCreateForm) -> HttpResponse:
        context = {"form": form, "title": _("New account"), "tab": "users"}
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(UserCreateForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UserCreateForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            user = services.user_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                chains=form.cleaned_data["chains"],
                **form.account_data(),
            )
        except (ValidationError, ServiceError) as exc:
            _form_errors(form, exc)
            return self.page(form)
        messages.success(
            request,
            _(
                "Account %(username)s created. The user must change the initial password at the first login."
            )
            % {"username": user.username},
        )
        return redirect("accounts:user_edit", pk=user.pk)


class UserEditView(SecurityAdminMixin, View):
    """Name, role, unit, chains, phone, active; with the account's other actions beside the form."""

    admin_model = User
    template_name = "accounts/admin/user_edit.html"

    def load(self, **kwargs: Any) -> None:
        self.account = get_object_or_404(User, pk=kwargs["pk"])

    def page(self, form: UserEditForm) -> HttpResponse:
        context = {"form": form, "account": self.account, "tab": "users"}
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = self.account
        initial = {
            "full_name": account.full_name,
            "role": account.role,
            "org_unit": account.org_unit_id,
            "chains": list(account.chains.values_list("pk", flat=True)),
            "phone": account.phone,
            "is_active": account.is_active,
            "fingerprint": services.user_fingerprint(account),
        }
        return self.page(UserEditForm(initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = UserEditForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            services.user_update(
                user=self.account,
                actor=request.user,
                data=form.account_data(),
                chains=form.cleaned_data["chains"],
                # Missing: "" never matches a hash, so a form without it cannot overwrite blindly.
                expected_fingerprint=form.cleaned_data["fingerprint"],
            )
        except (ValidationError, ServiceError) as exc:
            _form_errors(form, exc)
            return self.page(form)
        messages.success(request, _("Saved."))
        return redirect("accounts:user_edit", pk=self.account.pk)


class UserPasswordResetView(SecurityAdminMixin, View):
    """Set a temporary password (must be changed at the next login); the user's sessions end."""

    admin_model = User
    template_name = "accounts/admin/form.html"

    def load(self, **kwargs: Any) -> None:
        self.account = get_object_or_404(User, pk=kwargs["pk"])

    def page(self, form: PasswordResetForm) -> HttpResponse:
        context = {
            "form": form,
            "title": _("Reset the password of %(username)s") % {"username": self.account.username},
            "cancel_url": self.account_url(),
            "tab": "users",
        }
        return render(self.request, self.template_name, context)

    def account_url(self) -> str:
        return reverse("accounts:user_edit", args=[self.account.pk])

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(PasswordResetForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = PasswordResetForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            services.account_password_reset(
                user=self.account, actor=request.user, new_password=form.cleaned_data["password"]
            )
        except (ValidationError, ServiceError) as exc:
            _form_errors(form, exc)
            return self.page(form)
        messages.success(
            request,
            _(
                "A temporary password was set: the user must change it at the next login. Their sessions were ended."
            ),
        )
        return redirect(self.account_url())


class UserDeactivateView(SecurityAdminMixin, View):
    """Disable an account (GET asks first, POST does it); its sessions end at once (S2)."""

    admin_model = User
    template_name = "accounts/admin/user_deactivate.html"

    def load(self, **kwargs: Any) -> None:
        self.account = get_object_or_404(User, pk=kwargs["pk"])

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, {"account": self.account, "tab": "users"})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            ended = services.account_deactivate(user=self.account, actor=request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Account deactivated; %(count)d session(s) ended.") % {"count": ended},
            )
        return redirect("accounts:user_edit", pk=self.account.pk)


class UserUnlockView(SecurityAdminMixin, View):
    """Lift a login lock (5 failures in 15 minutes) before its 30 minutes are up (A2). POST only."""

    admin_model = User
    http_method_names = ["post"]

    def load(self, **kwargs: Any) -> None:
        self.account = get_object_or_404(User, pk=kwargs["pk"])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = self.account
        try:
            cleared = services.account_unlock(username=account.username, actor=request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Login lock lifted; %(count)d failed attempt(s) cleared.") % {"count": cleared},
            )
        return redirect("accounts:user_edit", pk=account.pk)


# --- organisation units ------------------------------------------------------------------------------------


def units_in_tree_order() -> list[tuple[Any, int]]:
    """Every unit with its depth, parents before their children, siblings by kind and name."""
    units: list[Any] = list(
        OrgUnit.objects.select_related("region", "enterprise")
        .annotate(n_users=Count("users"))
        .order_by("kind", "name_sort", "pk")
    )
    ids = {u.pk for u in units}
    children: dict[int | None, list[Any]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    ordered: list[tuple[Any, int]] = []
    stack = [(u, 0) for u in reversed(children.get(None, []))]
    seen: set[int] = set()
    while stack:
        unit, depth = stack.pop()
        if unit.pk in seen:  # a cycle written around the services: show each unit once
            continue
        seen.add(unit.pk)
        ordered.append((unit, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(unit.pk, [])))
    ordered.extend((u, 0) for u in units if u.pk not in seen)
    return ordered


class UnitListView(SecurityAdminMixin, View):
    """Organisation units in tree order, with kind, region or firm, and the number of accounts."""

    admin_model = OrgUnit

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = [(unit, range(depth)) for unit, depth in units_in_tree_order()]
        context = {"rows": rows, "tab": "units"}
        return render(request, "accounts/admin/unit_list.html", context)


class UnitEditView(SecurityAdminMixin, View):
    """Create (no pk) or edit (pk) a unit; the version travels with the form (RL1)."""

    admin_model = OrgUnit
    template_name = "accounts/admin/form.html"

    def load(self, **kwargs: Any) -> None:
        pk = kwargs.get("pk")
        self.unit = get_object_or_404(OrgUnit, pk=pk) if pk is not None else None

    def form(self, data: Any = None) -> OrgUnitForm:
        initial: dict[str, Any] = {}
        if self.unit is not None:
            firm = self.unit.enterprise
            initial = {
                "name": self.unit.name,
                "kind": self.unit.kind,
                "parent": self.unit.parent_id,
                "region": self.unit.region_id,
                "enterprise": firm.uscc if firm is not None else "",
                "version": self.unit.version,
            }
        form = OrgUnitForm(data=data, initial=initial, user=self.request.user, instance=self.unit)
        if self.unit is not None:
            form.fields["version"].required = True
        return form

    def page(self, form: OrgUnitForm) -> HttpResponse:
        title = (
            _("Edit unit %(name)s") % {"name": self.unit.name}
            if self.unit is not None
            else _("New organisation unit")
        )
        context = {
            "form": form,
            "title": title,
            "tab": "units",
            "stale_reload": self.unit is not None,
        }
        return render(self.request, self.template_name, context)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.page(self.form())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            if self.unit is None:
                services.org_unit_create(actor=request.user, data=form.unit_data())
            else:
                services.org_unit_update(
                    unit=self.unit,
                    actor=request.user,
                    data=form.unit_data(),
                    expected_version=form.cleaned_data["version"],
                )
        except StaleEdit as exc:
            form.add_error(None, exc.message)
            return self.page(form)
        except (ValidationError, ServiceError) as exc:
            _form_errors(form, exc)
            return self.page(form)
        messages.success(request, _("Saved."))
        return redirect("accounts:unit_list")
