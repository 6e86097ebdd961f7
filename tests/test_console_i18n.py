"""The console's catalogs: every string of every page and message has its zh_CN translation,
both catalogs are compiled, and the language follows the person (setting, browser)."""

from __future__ import annotations

from admin_api import catalogs, i18n


def test_catalogs_are_complete_and_compiled() -> None:
    assert catalogs.extract(), "no translatable strings found: the extractor is broken"
    assert catalogs.problems() == []


def test_a_missing_translation_is_noticed(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """The check itself can fail: a string no catalog knows is reported."""
    found = catalogs.extract()
    monkeypatch.setattr(catalogs, "extract", lambda: {**found, "A brand-new string": [("x.py", 1)]})
    assert any("A brand-new string" in p for p in catalogs.problems())


def test_language_choice() -> None:
    assert i18n.choose(None, None, "zh-CN,zh;q=0.9,en;q=0.8") == "zh_CN"
    assert i18n.choose(None, None, "en-US,en;q=0.9,zh-CN;q=0.8") == "en"
    assert i18n.choose(None, None, "fr-FR, zh;q=0.5, en;q=0.4") == "zh_CN"
    assert i18n.choose(None, None, "fr-FR") == "en"
    assert i18n.choose(None, "zh_CN", "en") == "zh_CN"          # the switch's cookie
    assert i18n.choose("en", "zh_CN", "zh-CN") == "en"          # the account's setting wins


def test_times_in_the_persons_zone_and_language() -> None:
    ts = 1_764_777_600.0   # 2025-12-03 16:00 UTC
    assert "00:00:00" in i18n.format_time(ts, "zh_CN", "Asia/Shanghai") and "2025年12月4日" in i18n.format_time(
        ts, "zh_CN", "Asia/Shanghai")
    assert "4:00:00\u202fPM UTC" in i18n.format_time(ts, "en", None) or "4:00:00 PM UTC" in i18n.format_time(
        ts, "en", None)
    assert i18n.translations("zh_CN").gettext("Sign in") == "登录"


def test_api_docs_pages_name_no_outside_asset() -> None:
    """Old main: /docs loaded swagger-ui from cdn.jsdelivr.net (blank without internet)."""
    import re

    import sqlalchemy as sa

    from tests.test_api_support import Env

    env = Env(sa.create_engine("sqlite://"))
    for path in ("/docs", "/redoc"):
        page = env.client.get(path)
        assert page.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert assets and all(a.startswith("/") for a in assets), assets
        for asset in assets:
            assert env.client.get(asset).status_code == 200, asset
