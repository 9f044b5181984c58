"""Form base classes: the version travels with the form so a stale edit is caught (SECURITY.md RL1); the
Tabler classes every form's widgets get."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

# A date as <input type="date"> (the browser's picker; ISO in and out).
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def style(form: forms.Form) -> None:
    """Tabler classes on a plain Form's widgets (a VersionedModelForm styles itself)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class VersionedModelForm(forms.ModelForm):
    """ModelForm with a hidden `version` field; ModelForms list their fields explicitly (AC4)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={
            "required": gettext_lazy(
                "This form was sent without the record's version. Reload the page and save again."
            )
        },
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            # An edit must say which version it read (the API requires it too): without it the save would
            # overwrite whatever a colleague saved since (SECURITY.md RL1; issue 13 item 7).
            self.fields["version"].required = True
            if not self.is_bound:
                self.initial["version"] = self.instance.version
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        # The version is a hidden field: its error goes where the page shows it, above the form.
        if "version" in self._errors:
            self.add_error(None, self._errors.pop("version"))
        return cleaned

    def validate_unique(self) -> None:
        """Django's check, but a clash with a record outside the user's scope is not reported here: the
        service refuses it as it refuses any write outside the scope, so the form does not tell that the
        value is taken in another district (issue 13 item 7)."""
        from .services import without_hidden_clashes

        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())
        except ValidationError as exc:
            rest, _hidden = without_hidden_clashes(exc, self.instance, self.user)
            if rest is not None:
                self._update_errors(rest)

    def scope_choices(self, **fields: Any) -> None:
        """Limit related choices to what the user may see: name=Model pairs (NetBox's restrict_form_fields)."""
        for name, model in fields.items():
            if name in self.fields:
                self.fields[name].queryset = model.objects.for_user(self.user)  # type: ignore[attr-defined]

    def data_for_service(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Split cleaned data into plain fields and many-to-many fields, without the version."""
        data, m2m = {}, {}
        for name in self._meta.fields or []:
            if name not in self.cleaned_data:
                continue
            field = self.instance._meta.get_field(name)
            (m2m if field.many_to_many else data)[name] = self.cleaned_data[name]
        return data, m2m
