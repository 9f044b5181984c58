"""RL1 on HTML forms: an edit must carry the version it read, as the API requires (issue 13 item 7).

A POST that leaves `version` out was saved over whatever a colleague had saved since; now it is a form
error and nothing is written.
"""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils.html import escape

from chainleader.core.forms import VersionedModelForm
from chainleader.enterprises.forms import EnterpriseForm
from chainleader.enterprises.models import Enterprise
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _post_data(firm: Enterprise, **changes: object) -> dict[str, object]:
    data = {
        k: ("" if v is None else v)
        for k, v in model_to_dict(firm, fields=EnterpriseForm._meta.fields).items()
    }
    data.update(changes)
    return data


def test_an_edit_form_without_the_version_is_an_error_and_saves_nothing(client, office_user):
    firm = EnterpriseFactory(name="原名有限公司")
    firm.name = "同事改过的名字有限公司"
    firm.version = 2
    firm.save()
    client.force_login(office_user)
    url = reverse("enterprises:enterprise_edit", args=[firm.pk])
    resp = client.post(url, _post_data(firm, name="覆盖的名字有限公司"))
    assert resp.status_code == 200
    form = resp.context["form"]
    assert not form.is_valid()
    assert [str(e) for e in form.non_field_errors()] == [
        str(EnterpriseForm.base_fields["version"].error_messages["required"])
    ]
    assert escape(form.non_field_errors()[0]) in resp.content.decode()  # shown above the form
    firm.refresh_from_db()
    assert (firm.name, firm.version) == ("同事改过的名字有限公司", 2)


def test_the_same_edit_with_the_version_it_read_is_saved(client, office_user):
    firm = EnterpriseFactory(name="原名有限公司")
    client.force_login(office_user)
    url = reverse("enterprises:enterprise_edit", args=[firm.pk])
    resp = client.post(url, _post_data(firm, name="新名字有限公司", version=firm.version))
    assert resp.status_code == 302
    firm.refresh_from_db()
    assert firm.name == "新名字有限公司"


def test_every_versioned_form_requires_the_version_on_edit_only(office_user):
    firm = EnterpriseFactory()
    assert EnterpriseForm(user=office_user, instance=firm).fields["version"].required
    assert not EnterpriseForm(user=office_user).fields["version"].required  # a new record has none
    assert VersionedModelForm.base_fields["version"].widget.is_hidden
