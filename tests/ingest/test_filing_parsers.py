"""The filing parsers on real EDGAR files from ../shared and on tiny fixtures.

Expected numbers were read from the documents themselves (quoted next to each constant).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimtracker.errors import ParseError
from ingest.filings import release, xbrl
from ingest.filings.html_text import html_blocks, html_to_text, parse_html
from ingest.filings.sections import split_sections
from ingest.filings.sgml import parse_submission

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
MIRROR_AMZN = Path("mirror/www.sec.gov/Archives/edgar/data/1018724")


@pytest.fixture(scope="module")
def amzn_10q_blocks(edgar_dir: Path):
    path = edgar_dir / MIRROR_AMZN / "000101872424000083" / "amzn-20240331.htm"
    return html_blocks(parse_html(path.read_bytes()))


# -- SGML submissions ---------------------------------------------------------------------------
def test_truncated_amazon_8k_keeps_complete_documents(edgar_dir: Path) -> None:
    path = edgar_dir / "sec-edgar-filings/AMZN/8-K/0001018724-23-000002/full-submission.txt"
    sub = parse_submission(path.read_bytes(), name=str(path))
    assert (sub.accession, sub.form, sub.cik) == ("0001018724-23-000002", "8-K", 1018724)
    assert str(sub.period_of_report) == "2023-02-02" and str(sub.filed_date) == "2023-02-02"
    assert sub.items == ["2.02", "9.01"] and sub.fiscal_year_end == "1231"
    assert [(d.type, d.sequence, d.truncated) for d in sub.documents] == [
        ("8-K", 1, False), ("EX-99.1", 2, True)]
    assert sub.truncated
    # The cut document still yields its narrative: the first results bullet is there.
    text = html_to_text(sub.documents[1].body)
    assert "Net sales increased 9% to $149.2 billion in the fourth quarter" in text


def test_whole_submission_is_not_truncated(edgar_dir: Path) -> None:
    path = edgar_dir / MIRROR_AMZN / "000101872424000158" / "0001018724-24-000158.txt"
    sub = parse_submission(path.read_bytes())
    assert not sub.truncated
    by_type = {d.type: d for d in sub.documents}
    assert by_type["EX-99.1"].filename == "amzn-20240930xex991.htm"
    assert by_type["GRAPHIC"].is_uuencoded


def test_cut_fixture_and_non_submission() -> None:
    path = FIXTURES / "TINY/8-K/0000000001-24-000001/full-submission.txt"
    sub = parse_submission(path.read_bytes())
    assert [d.truncated for d in sub.documents] == [False, True]
    assert sub.fiscal_year_end == "0630" and sub.company_name == "TINY CORP"
    with pytest.raises(ParseError, match=r"plain\.html"):
        parse_submission((FIXTURES / "bad/plain.html").read_bytes(), name="plain.html")


# -- HTML to text -------------------------------------------------------------------------------
def test_html_text_drops_hidden_header_decodes_entities_and_separates_tables() -> None:
    blocks = html_blocks(parse_html((FIXTURES / "inline-sample.htm").read_bytes()))
    text = "\n".join(b.text for b in blocks)
    assert "HIDDEN-HEADER-TEXT" not in text and "0000000002" not in text
    assert "Tiny Corp & friends’ results." in text
    assert "<" not in text and "&amp;" not in text
    tables = [b for b in blocks if b.kind == "table"]
    assert len(tables) == 1  # the one-row heading table became prose
    assert "Total net sales | $1,234 | 5,000" in tables[0].text
    assert "Operating income (loss) | (2,500.5) | —" in tables[0].text
    assert any(b.kind == "text" and b.text == "Item 1. Financial Statements" for b in blocks)


def test_real_10q_text_is_clean(amzn_10q_blocks) -> None:
    text = "\n".join(b.text for b in amzn_10q_blocks)
    assert "<ix:" not in text and "ix:nonFraction" not in text and "<span" not in text
    assert "&#" not in text and "&amp;" not in text
    # Hidden ix:header holds the dei values; the visible cover shows them in words instead.
    assert "c-1" not in text
    cash_flow = next(b for b in amzn_10q_blocks
                     if b.kind == "table" and "Purchases of property and equipment" in b.text)
    # 10-Q cash-flow statement: "Purchases of property and equipment (14,207) (14,925) ..."
    assert "Purchases of property and equipment | (14,207) | (14,925) |" in cash_flow.text


# -- sections ------------------------------------------------------------------------------------
def _expected_codes(edgar_dir: Path, accession: str, quarterly: bool) -> list[str]:
    rows = json.loads((edgar_dir / "expected" / f"{accession}.top-level-sections.json").read_text())
    codes = []
    for row in rows:
        ident = row["identifier"].upper()
        if quarterly:  # "part2item1a" -> "Part II Item 1A"
            part, item = ident[4], ident.split("ITEM")[1]
            codes.append(f"Part {'I' * int(part)} Item {item}")
        else:
            codes.append(f"Item {ident}")
    return codes


def _codes(sections) -> list[str]:
    seen: list[str] = []
    for s in sections:
        if s.item_code not in seen:
            seen.append(s.item_code)
    return seen


def test_amazon_10q_sections_match_expected(edgar_dir: Path, amzn_10q_blocks) -> None:
    sections = split_sections(amzn_10q_blocks, "10-Q")
    codes = _codes(sections)
    # Same Part/Item structure as the 10-Q of Q2 2023 in expected/ (Amazon's 10-Qs share it).
    assert codes[1:] == _expected_codes(edgar_dir, "0001018724-23-000012", quarterly=True)
    assert codes[0] == "Cover"
    by_code = {c: [s for s in sections if s.item_code == c] for c in codes}
    mdna = " ".join(s.text for s in by_code["Part I Item 2"] if s.kind == "narrative")
    assert mdna.startswith("Forward-Looking Statements")
    assert by_code["Part I Item 2"][0].title.startswith("Management’s Discussion and Analysis")
    risk = " ".join(s.text for s in by_code["Part II Item 1A"])
    assert len(risk) > 40_000 and "Risk" in by_code["Part II Item 1A"][0].title
    # Financial statements come as separate table sections, prose is never mixed into them.
    statements = [s for s in by_code["Part I Item 1"] if s.kind == "table"]
    assert any("Total net sales | 127,358 | 143,313" in s.text for s in statements)


def test_sections_of_the_expected_filings(edgar_dir: Path) -> None:
    q_path = edgar_dir / MIRROR_AMZN / "000101872423000012" / "amzn-20230630.htm"
    k_path = edgar_dir / MIRROR_AMZN / "000101872424000008" / "amzn-20231231.htm"
    q_codes = _codes(split_sections(html_blocks(parse_html(q_path.read_bytes())), "10-Q"))
    k_codes = _codes(split_sections(html_blocks(parse_html(k_path.read_bytes())), "10-K"))
    assert q_codes[1:] == _expected_codes(edgar_dir, "0001018724-23-000012", quarterly=True)
    expected_k = _expected_codes(edgar_dir, "0001018724-24-000008", quarterly=False)
    # The public parser predates Item 1C (Cybersecurity, required from FY2023), Item 9C
    # (foreign jurisdictions preventing inspections, from 2022) and does not list Item 16
    # (Form 10-K Summary); the filing has all three headings, so we find them too.
    assert [c for c in k_codes[1:] if c not in ("Item 1C", "Item 9C", "Item 16")] == expected_k
    assert {"Item 1C", "Item 9C", "Item 16"} < set(k_codes)


# -- inline XBRL and instances ------------------------------------------------------------------
def test_inline_facts_scale_sign_format_and_dimensions() -> None:
    root = parse_html((FIXTURES / "inline-sample.htm").read_bytes())
    facts = {(f.concept, f.context.start, f.context.dimensions_json): f
             for f in xbrl.inline_facts(root)}
    revenue = [f for f in facts.values()
               if f.concept.endswith("ExcludingAssessedTax") and not f.context.dimensions]
    assert sorted(f.value for f in revenue) == [1_234_000_000, 5_000_000_000]
    assert all(f.unit == "USD" for f in revenue)
    op = [f for f in facts.values() if f.concept == "us-gaap:OperatingIncomeLoss"]
    assert sorted(f.value for f in op) == [-2_500_500, 0]
    segment = [f for f in facts.values() if f.context.dimensions]
    assert len(segment) == 1 and segment[0].value == 300_000_000
    assert json.loads(segment[0].context.dimensions_json) == {
        "us-gaap:StatementBusinessSegmentsAxis": "tiny:CloudMember"}
    dei = xbrl.dei_values(root)
    assert dei["DocumentFiscalPeriodFocus"] == "Q1" and dei["DocumentType"] == "10-Q"


def test_ix_number_formats() -> None:
    assert xbrl.ix_number("1,234.5", "ixt:num-dot-decimal") == 1234.5
    assert xbrl.ix_number("1.234,5", "ixt:num-comma-decimal") == 1234.5
    assert xbrl.ix_number("—", "ixt:fixed-zero") == 0
    assert xbrl.ix_number("no", "ixt-sec:numwordsen") == 0
    assert xbrl.ix_number("three", "ixt-sec:numwordsen") == 3


def test_xbrl_instance_fy2022(edgar_dir: Path) -> None:
    path = edgar_dir / MIRROR_AMZN / "000101872423000004" / "amzn-20221231_htm.xml"
    facts, dei = xbrl.parse_instance(path.read_bytes())
    assert dei["DocumentType"] == "10-K" and dei["DocumentFiscalYearFocus"] == "2022"
    revenue_2022 = [f for f in xbrl.unique(facts)
                    if f.concept == "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax"
                    and not f.context.dimensions and str(f.context.end) == "2022-12-31"
                    and str(f.context.start) == "2022-01-01"]
    # 10-K FY2022 consolidated statements of operations: "Total net sales 513,983" (millions).
    assert [f.value for f in revenue_2022] == [513_983_000_000]
    with pytest.raises(ParseError, match="not a well-formed"):
        xbrl.parse_instance(b"<xbrl><unclosed>", name="broken.xml")


# -- earnings releases --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def q3_2024_release(edgar_dir: Path):
    path = edgar_dir / MIRROR_AMZN / "000101872424000158" / "0001018724-24-000158.txt"
    sub = parse_submission(path.read_bytes())
    ex = next(d for d in sub.documents if d.type == "EX-99.1")
    blocks = html_blocks(parse_html(ex.body))
    return blocks, release.release_sections(blocks)


def test_release_sections_narrative_and_tables(q3_2024_release) -> None:
    blocks, sections = q3_2024_release
    narrative = [s.item_code for s in sections if s.kind == "narrative"]
    assert narrative[:5] == [release.RESULTS, release.QUOTE, release.HIGHLIGHTS, release.GUIDANCE,
                             release.OTHER]
    quote = next(s for s in sections if s.item_code == release.QUOTE)
    assert "said Andy Jassy" in quote.text
    guidance = next(s for s in sections if s.item_code == release.GUIDANCE)
    assert "Operating income is expected to be between $16.0 billion and $20.0 billion" \
        in guidance.text
    tables = [s for s in sections if s.kind == "table"]
    assert len(tables) >= 5 and all(s.item_code == release.TABLES for s in tables)
    assert any("Total net sales | 143,083 | 158,877" in s.text for s in tables)
    assert str(release.reported_quarter_end(blocks)) == "2024-09-30"


def test_release_headline_facts(q3_2024_release) -> None:
    _, sections = q3_2024_release
    facts = {(f.metric, f.segment): f for f in release.release_facts(sections)}
    # EX-99.1: "Operating income increased to $17.4 billion in the third quarter" etc.
    assert facts[("operating_income", None)].value == pytest.approx(17.4e9)
    assert facts[("revenue", None)].value == pytest.approx(158.9e9)
    assert facts[("net_income", None)].value == pytest.approx(15.3e9)
    assert facts[("revenue", "AWS")].value == pytest.approx(27.5e9)
    assert facts[("operating_income", "International")].value == pytest.approx(1.3e9)
    assert facts[("operating_income", None)].evidence.startswith("Operating income increased")
    assert not any(f.annual for f in facts.values())


def test_release_losses_and_full_year(edgar_dir: Path) -> None:
    path = edgar_dir / "sec-edgar-filings/AMZN/8-K/0001018724-23-000002/full-submission.txt"
    sub = parse_submission(path.read_bytes())
    sections = release.release_sections(html_blocks(parse_html(sub.documents[1].body)))
    facts = {(f.metric, f.segment, f.annual): f.value for f in release.release_facts(sections)}
    # "Net loss was $2.7 billion in 2022"; "North America segment operating loss was $0.2 billion"
    assert facts[("net_income", None, True)] == pytest.approx(-2.7e9)
    assert facts[("net_income", None, False)] == pytest.approx(0.3e9)
    assert facts[("operating_income", "North America", False)] == pytest.approx(-0.2e9)
    assert facts[("revenue", None, True)] == pytest.approx(514.0e9)


def test_repeated_fact_keeps_the_most_precise_value(edgar_dir: Path) -> None:
    # The 10-K tags income tax both in MD&A ("$9.3 billion", decimals -8) and in the
    # statements (9,265 million, decimals -6): the statement value must win.
    path = edgar_dir / MIRROR_AMZN / "000101872425000004" / "amzn-20241231.htm"
    facts = xbrl.inline_facts(parse_html(path.read_bytes()))
    tax_2024 = [f for f in facts if f.concept == "us-gaap:IncomeTaxExpenseBenefit"
                and not f.context.dimensions and str(f.context.start) == "2024-01-01"]
    assert {f.value for f in tax_2024} == {9_300_000_000, 9_265_000_000}
    assert [f.value for f in xbrl.unique(tax_2024)] == [9_265_000_000]
