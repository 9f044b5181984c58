"""DP2 at rest: the confidential figures, the phone numbers and the TOTP seeds are sealed in their columns
(docs/decisions/0021-encryption-at-rest.md). The raw column holds no clear value; the model, the evaluation's
input, the pages and the API read the same numbers; a key rotation re-seals everything; a wrong key fails loudly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.db.models import Max, Min, Sum
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from chainleader.accounts.models import User
from chainleader.core import crypto, sealing
from chainleader.core.checks import field_keys_check
from chainleader.core.models import AuditEvent
from chainleader.enterprises.models import Contact, YearFigure
from chainleader.evaluation.selectors import figure_columns
from tests.factories import ContactFactory, EnterpriseFactory, UserFactory, YearFigureFactory

FIGURES = {
    "revenue_wan": Decimal("123456.78"),
    "tax_wan": Decimal("-8765.43"),  # a refund: tax may be negative
    "output_wan": Decimal("234567.89"),
    "value_added_wan": Decimal("34567.91"),
    "land_mu": Decimal("87.65"),
    "energy_tce": Decimal("4567.12"),
    "emissions_t": Decimal("12.345"),
    "rd_wan": Decimal("3456.70"),
}
PHONE = "13912345678"
ACCOUNT_PHONE = "13787654321"
KEY_A = crypto.DEV_KEY
KEY_B = "c2Vjb25kLWZpZWxkLWtleS1mb3Itcm90YXRpb24tdGU"  # 32 bytes, base64url


def raw(table: str, column: str, pk: int, pk_column: str = "id") -> str | None:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q(column)} FROM {q(table)} WHERE {q(pk_column)} = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def sealed_world(db):
    figure = YearFigureFactory(enterprise=EnterpriseFactory(), year=2024, **FIGURES)
    contact = ContactFactory(enterprise=figure.enterprise, name="张三", phone=PHONE)
    account = UserFactory(username="phoned", phone=ACCOUNT_PHONE)
    device = TOTPDevice.objects.create(user=account, name="TOTP", confirmed=True)
    return figure, contact, account, device


def raw_values(figure, contact, account, device) -> dict[str, str | None]:
    values: dict[str, str | None] = {
        f"figure.{name}": raw("enterprises_yearfigure", name, figure.pk) for name in FIGURES
    }
    history = figure.history.latest().history_id
    values |= {
        f"history.{name}": raw("enterprises_historicalyearfigure", name, history, "history_id")
        for name in FIGURES
    }
    values["contact.phone"] = raw("enterprises_contact", "phone", contact.pk)
    values["user.phone"] = raw("accounts_user", "phone", account.pk)
    values["totp.key"] = raw("otp_totp_totpdevice", "key", device.pk)
    return values


def test_every_sealed_column_holds_no_clear_value(sealed_world):
    device = sealed_world[3]
    clear = [str(v) for v in FIGURES.values()] + [PHONE, ACCOUNT_PHONE, device.key]
    for where, stored in raw_values(*sealed_world).items():
        assert stored is not None and stored.startswith(
            f"g1:{crypto.key_id(crypto.parse_key(KEY_A))}:"
        ), where
        assert not any(c in stored for c in clear), where
    # The seed, sealed as raw bytes, still fits django-otp's varchar(80).
    assert len(raw_values(*sealed_world)["totp.key"]) <= 80


def test_sealed_values_have_one_length_whatever_the_size_of_the_figure(db):
    small = YearFigureFactory(tax_wan=Decimal("1.00"))
    large = YearFigureFactory(tax_wan=Decimal("98765432101234.56"))
    assert len(raw("enterprises_yearfigure", "tax_wan", small.pk)) == len(
        raw("enterprises_yearfigure", "tax_wan", large.pk)
    )


def test_the_models_read_back_the_clear_values(sealed_world):
    figure, contact, account, device = sealed_world
    again = YearFigure.objects.get(pk=figure.pk)
    assert {name: getattr(again, name) for name in FIGURES} == FIGURES
    assert Contact.objects.get(pk=contact.pk).phone == PHONE
    assert User.objects.get(pk=account.pk).phone == ACCOUNT_PHONE
    stored = TOTPDevice.objects.get(pk=device.pk)
    assert stored.key == device.key
    code = totp(stored.bin_key, step=stored.step, t0=stored.t0, digits=stored.digits)
    assert stored.verify_token(f"{code:0{stored.digits}d}")


def test_null_stays_null_and_isnull_still_works(db):
    figure = YearFigureFactory(revenue_wan=None)
    assert raw("enterprises_yearfigure", "revenue_wan", figure.pk) is None
    assert list(YearFigure.objects.filter(revenue_wan__isnull=True)) == [figure]


@pytest.mark.parametrize(
    "lookup", [{"tax_wan": 500}, {"tax_wan__gt": 0}, {"land_mu__lte": 10}, {"revenue_wan__in": [1]}]
)
def test_a_comparison_in_sql_is_refused_not_silently_empty(db, lookup):
    YearFigureFactory()
    with pytest.raises(FieldError, match="encrypted at rest"):
        list(YearFigure.objects.filter(**lookup))


def test_a_phone_lookup_is_refused(db):
    with pytest.raises(FieldError, match="encrypted at rest"):
        Contact.objects.filter(phone__startswith="139").exists()


def test_the_evaluation_reads_the_same_numbers(sealed_world):
    figure = sealed_world[0]
    data = figure_columns(year=2024)
    i = list(data.enterprise_ids).index(figure.enterprise_id)
    for name in (
        "land_mu",
        "tax_wan",
        "revenue_wan",
        "value_added_wan",
        "energy_tce",
        "emissions_t",
        "rd_wan",
    ):
        assert data.columns[name][i] == pytest.approx(float(FIGURES[name]))


def test_the_enterprise_page_and_the_api_show_the_clear_values(client, sealed_world, office_user):
    figure = sealed_world[0]
    client.force_login(office_user)
    page = client.get(reverse("enterprises:enterprise_detail", args=[figure.enterprise_id]))
    assert page.status_code == 200
    assert PHONE in page.content.decode()
    api = APIClient()
    api.force_login(office_user)
    rows = api.get("/api/year-figures/", {"enterprise": figure.enterprise_id}).json()["results"]
    assert Decimal(rows[0]["tax_wan"]) == FIGURES["tax_wan"]
    assert Decimal(rows[0]["land_mu"]) == FIGURES["land_mu"]


def test_a_wrong_key_fails_with_a_clear_error(sealed_world):
    figure = sealed_world[0]
    with (
        override_settings(CHAINLEADER_FIELD_KEYS=[KEY_B]),
        pytest.raises(crypto.FieldKeyError, match="not configured"),
    ):
        YearFigure.objects.get(pk=figure.pk)


def test_an_altered_value_fails_with_a_clear_error(sealed_world):
    figure = sealed_world[0]
    stored = raw("enterprises_yearfigure", "tax_wan", figure.pk)
    body = stored[12:]
    forged = stored[:12] + ("A" if body[0] != "A" else "B") + body[1:]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_yearfigure SET tax_wan = %s WHERE id = %s", [forged, figure.pk]
        )
    with pytest.raises(crypto.FieldKeyError, match="does not authenticate"):
        YearFigure.objects.get(pk=figure.pk)


def test_a_clear_value_left_in_a_column_is_an_error_not_a_number(sealed_world):
    figure = sealed_world[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_yearfigure SET tax_wan = %s WHERE id = %s", ["500.00", figure.pk]
        )
    with pytest.raises(crypto.FieldKeyError, match="not sealed"):
        YearFigure.objects.get(pk=figure.pk)


def test_rotation_reseals_everything_with_the_new_key(sealed_world):
    figure, contact, account, device = sealed_world
    id_b = crypto.key_id(crypto.parse_key(KEY_B))
    with override_settings(CHAINLEADER_FIELD_KEYS=[KEY_B, KEY_A]):
        # The old key still opens what it sealed; new writes use the new key.
        assert YearFigure.objects.get(pk=figure.pk).tax_wan == FIGURES["tax_wan"]
        with pytest.raises(CommandError, match="not sealed with the first key"):
            call_command("rotate_field_keys", "--check")
        call_command("rotate_field_keys")
        call_command("rotate_field_keys", "--check")
        assert all(v.startswith(f"g1:{id_b}:") for v in raw_values(*sealed_world).values())
    with override_settings(CHAINLEADER_FIELD_KEYS=[KEY_B]):  # the old key is no longer needed
        again = YearFigure.objects.get(pk=figure.pk)
        assert {name: getattr(again, name) for name in FIGURES} == FIGURES
        assert Contact.objects.get(pk=contact.pk).phone == PHONE
        assert User.objects.get(pk=account.pk).phone == ACCOUNT_PHONE
        assert TOTPDevice.objects.get(pk=device.pk).key == device.key
    rows = AuditEvent.objects.filter(event_type="field_keys_rotate")
    tables = {row.detail["table"]: row.detail for row in rows}
    assert tables["enterprises_yearfigure"]["resealed"] == len(FIGURES)
    assert tables["otp_totp_totpdevice"]["key"] == id_b
    assert {"enterprises_historicalyearfigure", "enterprises_contact", "accounts_user"} <= set(
        tables
    )


def test_a_rotation_without_the_old_key_changes_nothing_in_that_table(sealed_world):
    figure = sealed_world[0]
    before = raw("enterprises_yearfigure", "tax_wan", figure.pk)
    with (
        override_settings(CHAINLEADER_FIELD_KEYS=[KEY_B]),
        pytest.raises(CommandError, match="not configured"),
    ):
        call_command("rotate_field_keys")
    assert raw("enterprises_yearfigure", "tax_wan", figure.pk) == before


def test_the_tables_rotation_covers(db):
    tables = {model._meta.db_table for model, _fields in sealing.sealed_models()}
    assert tables == {
        "enterprises_yearfigure",
        "enterprises_historicalyearfigure",
        "enterprises_contact",
        "accounts_user",
        "accounts_historicaluser",
        "otp_totp_totpdevice",
        "evaluation_evaluationresult",
        "evaluation_appeal",
        "growth_growthplan",
        "growth_historicalgrowthplan",
        "growth_planyear",
        "growth_historicalplanyear",
        "policies_eligibilityresult",  # the reasons quote a firm's revenue, tax and R&D
    }


@pytest.mark.parametrize(
    ("keys", "error"),
    [
        ([], "core.E020"),
        ([KEY_A], "core.E021"),
        ([KEY_B, KEY_A], "core.E021"),
        (["short"], "core.E022"),
    ],
)
def test_the_deploy_check_refuses_a_missing_development_or_broken_key(keys, error):
    with override_settings(CHAINLEADER_FIELD_KEYS=keys):
        assert [m.id for m in field_keys_check()] == [error]


def test_the_deploy_check_accepts_a_real_key():
    with override_settings(CHAINLEADER_FIELD_KEYS=[crypto.new_key(), KEY_B]):
        assert field_keys_check() == []


def test_keys_come_from_the_environment_or_a_key_file(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(crypto.ENV_KEYS, f" {KEY_B} , {KEY_A} ")
    assert crypto.keys_from_environment() == [KEY_B, KEY_A]
    monkeypatch.delenv(crypto.ENV_KEYS)
    key_file = tmp_path / "field-keys"
    key_file.write_text(f"# newest first\n{KEY_B}\n\n{KEY_A}\n", encoding="utf-8")
    monkeypatch.setenv(crypto.ENV_KEY_FILE, str(key_file))
    assert crypto.keys_from_environment() == [KEY_B, KEY_A]
    monkeypatch.delenv(crypto.ENV_KEY_FILE)
    assert crypto.keys_from_environment(default=[KEY_A]) == [KEY_A]


@pytest.mark.django_db(transaction=True)
def test_the_database_file_holds_no_phone_number_or_seed():
    """SECURITY.md DP2's own test on SQLite: grep the database file (and its WAL) for a phone and a seed."""
    if connection.vendor != "sqlite":
        pytest.skip("a file grep needs SQLite's database file")
    contact = ContactFactory(phone=PHONE)
    device = TOTPDevice.objects.create(
        user=UserFactory(phone=ACCOUNT_PHONE), name="TOTP", confirmed=True
    )
    assert Contact.objects.get(pk=contact.pk).phone == PHONE
    name = Path(connection.settings_dict["NAME"])
    data = b"".join(p.read_bytes() for p in (name, Path(f"{name}-wal")) if p.is_file())
    assert data, "the test database file was not found"
    for secret in (PHONE, ACCOUNT_PHONE, device.key):
        assert secret.encode() not in data, secret


@pytest.mark.parametrize("aggregate", [Sum, Max, Min])
def test_an_aggregate_over_a_sealed_field_is_refused_not_computed_on_ciphertext(db, aggregate):
    YearFigureFactory(tax_wan=Decimal("5.00"))
    YearFigureFactory(tax_wan=Decimal("7.00"))
    with pytest.raises((FieldError, DatabaseError)):
        YearFigure.objects.aggregate(t=aggregate("tax_wan"))
    with pytest.raises((FieldError, DatabaseError)):
        list(YearFigure.objects.values("year").annotate(t=aggregate("tax_wan")))


def test_sm4_gcm_seals_and_a_change_of_cipher_is_a_rotation(sealed_world):
    """Crypto-agile (DP2): CHAINLEADER_FIELD_CIPHER = "sm4-gcm" seals new values with SM4-GCM (tag s1); the AES
    values still open; rotate_field_keys moves every value to SM4; both read back the same."""
    figure, contact, _account, device = sealed_world
    with override_settings(CHAINLEADER_FIELD_CIPHER="sm4-gcm"):
        assert YearFigure.objects.get(pk=figure.pk).tax_wan == FIGURES["tax_wan"]  # g1 still opens
        fresh = YearFigureFactory(year=2023, tax_wan=Decimal("42.00"))
        assert raw("enterprises_yearfigure", "tax_wan", fresh.pk).startswith("s1:")
        call_command("rotate_field_keys")
        stored = raw_values(*sealed_world)
        assert all(v.startswith("s1:") for v in stored.values())
        assert len(stored["totp.key"]) <= 80
        again = YearFigure.objects.get(pk=figure.pk)
        assert {name: getattr(again, name) for name in FIGURES} == FIGURES
        assert Contact.objects.get(pk=contact.pk).phone == PHONE
        assert TOTPDevice.objects.get(pk=device.pk).key == device.key
    # Back under the AES setting the SM4 values still open (the tag names the cipher).
    assert YearFigure.objects.get(pk=fresh.pk).tax_wan == Decimal("42.00")


def test_the_deploy_check_refuses_an_unknown_cipher():
    with override_settings(CHAINLEADER_FIELD_KEYS=[KEY_B], CHAINLEADER_FIELD_CIPHER="des"):
        assert [m.id for m in field_keys_check()] == ["core.E023"]


def test_the_evaluations_bulk_read_fails_as_loudly_as_the_field(sealed_world):
    figure = sealed_world[0]
    with (
        override_settings(CHAINLEADER_FIELD_KEYS=[KEY_B]),
        pytest.raises(crypto.FieldKeyError, match="not configured"),
    ):
        figure_columns(year=2024)
    stored = raw("enterprises_yearfigure", "land_mu", figure.pk)
    forged = stored[:12] + ("A" if stored[12] != "A" else "B") + stored[13:]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_yearfigure SET land_mu = %s WHERE id = %s", [forged, figure.pk]
        )
    with pytest.raises(crypto.FieldKeyError, match="does not authenticate"):
        figure_columns(year=2024)


def test_the_migration_steps_seal_clear_columns_and_open_them_again(db):
    """What enterprises 0006 / accounts 0005 / evaluation 0003 run between "column is text" and "sealed field"."""
    from types import SimpleNamespace

    from django.apps import apps

    from chainleader.core.fields import EncryptedCharField, EncryptedDecimalField

    contact = ContactFactory(phone=PHONE)
    figure = YearFigureFactory(tax_wan=Decimal("1.00"))
    with connection.cursor() as cursor:  # the columns as the first step leaves them: clear text
        cursor.execute(
            "UPDATE enterprises_contact SET phone = %s WHERE id = %s", ["13911112222", contact.pk]
        )
        cursor.execute(
            "UPDATE enterprises_yearfigure SET tax_wan = %s WHERE id = %s", ["123.4", figure.pk]
        )
    editor = SimpleNamespace(connection=connection)
    phone = {"phone": EncryptedCharField(max_length=20)}
    tax = {"tax_wan": EncryptedDecimalField(max_digits=16, decimal_places=2, null=True)}
    sealing.seal_columns(apps, editor, "enterprises.Contact", phone)
    sealing.seal_columns(apps, editor, "enterprises.YearFigure", tax)
    assert raw("enterprises_contact", "phone", contact.pk).startswith("g1:")
    assert Contact.objects.get(pk=contact.pk).phone == "13911112222"
    assert YearFigure.objects.get(pk=figure.pk).tax_wan == Decimal("123.40")
    sealing.open_columns(apps, editor, "enterprises.Contact", phone)
    sealing.open_columns(apps, editor, "enterprises.YearFigure", tax)
    assert raw("enterprises_contact", "phone", contact.pk) == "13911112222"
    assert raw("enterprises_yearfigure", "tax_wan", figure.pk) == "123.40"
