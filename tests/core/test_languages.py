"""Chinese first, English on request (the switch in the header): the home page's and a chain's status tiles and
the tab title follow the chosen language, and no English is left in the Chinese pages' titles or tiles."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ChainFactory, region

TILE = re.compile(
    r'<div class="card card-sm"><div class="card-body[^"]*">(.*?)</div></div></div>', re.S
)
LATIN = re.compile(r"[A-Za-z]")


def tile_labels(html: str) -> list[str]:
    """The words of each status tile (the figure left out)."""
    labels = []
    for tile in TILE.findall(html):
        text = re.sub(r"<[^>]+>", "\n", tile)
        words = [t.strip() for t in text.splitlines() if t.strip()]
        labels.append(" ".join(w for w in words if not re.fullmatch(r"[\d,./ ]+", w)))
    return labels


def title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return found[1].strip()


@pytest.fixture
def chain(db):
    return ChainFactory(name="智能家电", level="city", region=region("3702"))


def page(client, user, url: str, language: str | None) -> str:
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    resp = client.get(url)
    assert resp.status_code == 200
    return resp.content.decode()


@pytest.mark.django_db
def test_home_page_tiles_and_title_are_chinese_by_default(client, office_user):
    html = page(client, office_user, reverse("core:home"), None)
    assert tile_labels(html) == ["产业链", "环节", "企业", "园区"]
    assert title(html) == "首页 · 链长制工作平台"


@pytest.mark.django_db
def test_home_page_tiles_and_title_are_english_after_the_switch(client, office_user):
    client.force_login(office_user)
    resp = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert resp.status_code == 302
    html = client.get(reverse("core:home")).content.decode()
    assert tile_labels(html) == ["Chains", "Segments", "Enterprises", "Parks"]
    assert title(html) == "Home · Chain-leader platform"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "tiles"),
    [
        ("zh-hans", ["卡脖子", "缺失", "薄弱", "优势"]),
        ("en", ["choke point", "missing", "weak", "strong"]),
    ],
)
def test_chain_map_status_tiles_follow_the_language(client, office_user, chain, language, tiles):
    html = page(client, office_user, reverse("chainmap:chain_map", args=[chain.pk]), language)
    assert tile_labels(html) == tiles


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "first_tile", "big_tile"),
    [
        ("zh-hans", "项目", "亿元以上 / 20 亿元以上"),
        ("en", "Projects", "≥ 100 million / ≥ 2 billion yuan"),
    ],
)
def test_chain_project_tiles_follow_the_language(
    client, office_user, chain, language, first_tile, big_tile
):
    html = page(client, office_user, reverse("projects:chain_dashboard", args=[chain.pk]), language)
    labels = tile_labels(html)
    assert labels[0] == first_tile and big_tile in labels


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("core:home", []),
        ("chains:chain_detail", ["chain"]),
        ("chains:chain_list", []),
        ("chainmap:chain_map", ["chain"]),
        ("projects:chain_dashboard", ["chain"]),
        ("projects:project_summary", []),
        ("projects:project_map", []),
    ],
)
def test_chinese_pages_have_no_english_in_their_title_or_tiles(
    client, office_user, chain, name, args
):
    url = reverse(name, args=[chain.pk if a == "chain" else a for a in args])
    html = page(client, office_user, url, "zh-hans")
    assert not LATIN.search(title(html)), title(html)
    for label in tile_labels(html):
        assert not LATIN.search(label), label
