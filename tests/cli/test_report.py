"""`claimtracker report`: one file that shows the seed thesis checked claim by claim."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from markdown_it import MarkdownIt
from pypdf import PdfReader

from claims.render import plain_quote
from pipeline.cli import main

SEED_LEDGER = Path(__file__).resolve().parents[2] / "data" / "claims" / "amazon-next-cycle.yaml"
ARTICLE = "amazon-next-cycle"


@pytest.fixture(scope="module")
def seed_claims() -> list[dict[str, Any]]:
    return yaml.safe_load(SEED_LEDGER.read_text(encoding="utf-8"))["claims"]


def _report(db: Path, out: Path, fmt: str) -> str:
    result = CliRunner().invoke(main, ["report", ARTICLE, "--db", str(db), "--format", fmt,
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and not out.with_name(out.name + ".partial").exists()
    return result.output


def test_html_has_every_claim_with_its_chart_and_no_network(scored_run, seed_claims,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "seed.html"
    _report(scored_run[0], out, "html")
    page = out.read_text(encoding="utf-8")
    for claim in seed_claims:
        section = page.split(f'<h2 id="{claim["id"]}">', 1)
        assert len(section) == 2, claim["id"]
        body = section[1].split("<h2", 1)[0]
        assert "<svg" in body, f"no chart for {claim['id']}"
    # Self-contained: nothing is fetched when the file opens (links to EDGAR are only links).
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://", page)
    assert "<script" not in page
    # Article text is escaped, never markup; quotes show without their markdown.
    quotes = [plain_quote(c["quote"]) for c in seed_claims if "**" in c.get("quote", "")]
    flat = " ".join(page.split())
    assert quotes
    for quote in quotes:
        assert "**" not in quote and html.escape(" ".join(quote.split())) in flat, quote


def test_pdf_is_valid_and_its_text_has_claim_ids_and_korean_quotes(scored_run, seed_claims,
                                                                    tmp_path: Path) -> None:
    out = tmp_path / "seed.pdf"
    _report(scored_run[0], out, "pdf")
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert len(reader.pages) > 1
    for claim in seed_claims:
        assert claim["id"].replace("-", "") in text.replace("-", ""), claim["id"]
    korean = [plain_quote(c["quote"]) for c in seed_claims
              if re.search("[가-힣]", c.get("quote", ""))]
    assert korean
    for quote in korean:
        # The glyphs are there (a font with Hangul was used): the quote's first words.
        assert re.sub(r"\s+", "", quote)[:12] in text, quote


def test_markdown_renders_a_table_and_a_section_per_claim(scored_run, seed_claims,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "seed.md"
    _report(scored_run[0], out, "md")
    page = MarkdownIt("commonmark").enable("table").render(out.read_text(encoding="utf-8"))
    for claim in seed_claims:
        assert f"<h2>{claim['id']}: " in page, claim["id"]  # escapes render as plain text
    assert "<table>" in page and "<script" not in page


def test_unknown_article_names_the_known_ones(scored_run, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", "no-such-article", "--db", str(scored_run[0]),
                                       "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert "no article 'no-such-article'" in result.output and ARTICLE in result.output
    assert not (tmp_path / "x.html").exists()
