"""The account pages render in Chinese: login, profile (name, unit, role, chains, sessions)."""

from __future__ import annotations

from django.urls import reverse

from .conftest import login


def test_the_login_page_keeps_its_field_names(client, db):
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'name="username"' in body
    assert 'name="password"' in body
    assert 'name="next"' in body
    assert "登录链长制产业链管理平台" in body


def test_the_profile_shows_name_unit_role_chains_and_sessions(
    client, chain_team_user, district_a_user
):
    chain_team_user.full_name = "王专班"
    chain_team_user.save()
    login(client, "team")
    body = client.get(reverse("accounts:profile")).content.decode()
    for text in ("王专班", "专班成员", "智能家电", "当前会话", "结束我的其他所有会话"):
        assert text in body
    client.force_login(district_a_user)
    assert "黄岛区" in client.get(reverse("accounts:profile")).content.decode()


def test_the_password_page_lists_the_rules(client, office_user):
    client.force_login(office_user)
    body = client.get(reverse("accounts:password_change")).content.decode()
    assert "大写字母、小写字母、数字、符号" in body
    assert "128" in body
