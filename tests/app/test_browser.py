"""The app in a real Chromium: every page opens, renders its content, and is screenshotted.

Screenshots land in tests/artifacts/screenshots/<page>.png (git-ignored) for a human to look at.
Untrusted text (a sentence holding <script> and <img onerror>) must show up as visible text
and never become markup.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app_pages.devserver import CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, app_server
from claimtracker.db import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = REPO_ROOT / "tests" / "artifacts" / "screenshots"
HOSTILE = "<script>alert('xss')</script> <img src=x onerror=alert(1)> Trainium"

#: page, URL path and query, a text that proves the page's content rendered
PAGES = [
    ("claims", "?claim=own-chips-deployed&quarter=2025Q3", "Evidence by quarter"),
    ("search", "search?query=demand%20for%20our%20custom%20AI%20chips&ticker=AMZN", "hits"),
    ("topics", "topics?ticker=AMZN", "First and last mention"),
    ("metrics", "metrics?ticker=AMZN", "By quarter, with sources"),
    ("articles", "articles", "Propose claims"),
    ("data", "data", "Last runs"),
    ("peers", "peers?metric=revenue&ticker=AMZN&ticker=GOOG&ticker=AAPL", "Compare"),
    ("source", "source?sentence={hostile}", "Show more context"),
]


@pytest.fixture(scope="module")
def browser_db(scored_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scored DB with one Trainium evidence sentence replaced by hostile markup."""
    db = tmp_path_factory.mktemp("browser-db") / "claimtracker.duckdb"
    shutil.copy(scored_db_path, db)
    with Store.open(db) as store:
        store.con.execute(
            "UPDATE sentences SET text = ? WHERE sentence_id = (SELECT sentence_id FROM "
            "claim_evidence WHERE claim_id = 'own-chips-deployed' AND fiscal_year = 2025 "
            "AND fiscal_quarter = 3 ORDER BY rank LIMIT 1)", [HOSTILE])
    return db


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def base(browser_db: Path):
    """One app server for the module's tests (each start loads the app and its models)."""
    with app_server(browser_db) as url:
        yield url


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script (no 'Running…' indicator)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    page.wait_for_timeout(1500)  # charts draw after the script finishes


def test_every_page_renders_in_chromium(browser, browser_db, base) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialogs: list[str] = []
    with Store.open(browser_db, read_only=True) as store:
        (hostile_id,) = store.con.execute("SELECT sentence_id FROM sentences WHERE text = ?",
                                          [HOSTILE]).fetchone()
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for name, path, marker in PAGES:
        page.goto(f"{base}/{path.format(hostile=hostile_id)}", wait_until="domcontentloaded")
        page.get_by_text(marker).first.wait_for(timeout=120_000)
        _settle(page)
        assert not page.locator("[data-testid='stException']").count(), name
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        body = page.inner_text("body")
        assert marker in body, name
        if name == "claims":
            assert HOSTILE in body  # the markup is visible as text ...
            assert page.locator("img[onerror]").count() == 0  # ... and never markup
            scripts = page.eval_on_selector_all("script", "els => els.map(e => e.text)")
            assert not any("alert('xss')" in s for s in scripts)
            assert "Claims and their verdicts by quarter" in body
        if name == "search":
            assert "fully subscribed" in body
        if name == "metrics":
            assert "Operating margin" in body
        if name == "source":  # the cited sentence, highlighted, still plain text
            assert HOSTILE in body and page.locator("img[onerror]").count() == 0
            assert "Said by" in body or "Written by" in body
        if name == "peers":
            assert page.locator("[data-testid='stVegaLiteChart']").count() == 1
    page.close()
    assert dialogs == []


#: page, URL with ?lang=ko, Korean labels that must be visible, English ones that must not be
KO_PAGES = [
    ("claims", "?lang=ko&article=amazon-next-cycle&claim=own-chips-deployed&quarter=2025Q3",
     ["주장과 분기별 판정", "분기별 근거", "타임라인", "판정 사유"], ["Evidence by quarter"]),
    ("search", "search?lang=ko&query=demand%20for%20our%20custom%20AI%20chips&ticker=AMZN",
     ["검색 결과", "발언자 역할", "분기별 검색 결과"], ["Speaker role", "Hits by quarter"]),
    ("topics", "topics?lang=ko&ticker=AMZN",
     ["첫 언급과 마지막 언급", "컨퍼런스콜만"], ["First and last mention", "Calls only"]),
]


def test_korean_labels_in_chromium(browser, base) -> None:
    """`?lang=ko` shows the app's own words in Korean (Nanum fonts draw them), the data stays
    as stored, and the language survives a click in the navigation."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    for name, path, korean, english in KO_PAGES:
        page.goto(f"{base}/{path}", wait_until="domcontentloaded")
        page.get_by_text(korean[0]).first.wait_for(timeout=120_000)
        _settle(page)
        assert not page.locator("[data-testid='stException']").count(), name
        page.screenshot(path=str(SHOTS / f"{name}_ko.png"), full_page=True)
        body = page.inner_text("body")
        assert [k for k in korean if k not in body] == [], name
        assert [e for e in english if e in body] == [], name
        assert "한국어" in body and "언어" in body  # the sidebar switch
        if name == "claims":
            assert HOSTILE in body  # evidence is data: shown as stored, untranslated
        if name == "search":
            assert "fully subscribed" in body
    # The navigation's Korean titles keep the language on the next page.
    page.get_by_role("link", name="지표").first.click()
    page.get_by_text("분기별 수치와 출처").first.wait_for(timeout=120_000)
    _settle(page)
    assert "lang=ko" in page.url
    assert "By quarter, with sources" not in page.inner_text("body")
    page.close()
