"""403 / 404 / 500 pages in Chinese inside the site's layout with a way back; no traceback logged for a 403."""

from __future__ import annotations

import io
import logging

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from chainleader.core.logging import QuietClientErrors
from tests.factories import ChainFactory, region


@pytest.mark.django_db
def test_a_missing_page_is_chinese_with_navigation_and_a_way_back(client, office_user):
    client.force_login(office_user)
    resp = client.get("/no-such-page/")
    body = resp.content.decode()
    assert resp.status_code == 404
    assert "页面不存在" in body and "返回首页" in body
    assert reverse("chains:chain_list") in body  # the site's navigation is there
    assert "Traceback" not in body


@pytest.mark.django_db
def test_a_refusal_is_chinese_and_logs_one_line_without_a_traceback(client, firm_user):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(QuietClientErrors())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.force_login(firm_user)
        chain = ChainFactory(name="测试链", level="city", region=region("3702"))
        resp = client.post(reverse("chainmap:derive", args=[chain.pk]))
    finally:
        logger.removeHandler(handler)
    assert resp.status_code == 403
    body = resp.content.decode()
    assert "没有权限" in body and "返回首页" in body
    logged = stream.getvalue()
    assert "Forbidden" in logged and "Traceback" not in logged


def test_the_server_error_page_renders_without_a_request():
    body = render_to_string("500.html")
    assert "服务器错误" in body and 'href="/"' in body
