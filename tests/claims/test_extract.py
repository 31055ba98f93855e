"""Drafting ledgers from real and realistic articles: every claim found, each with its company,
time frame, terms and comparison; the draft loads and scores as is (`claims add`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from claims.draft_io import draft_ledger
from claims.extract import guess_ticker
from claims.ledger import load_ledger, normalise_space
from claimtracker.errors import InputError
from claimtracker.tickers import canonical_ticker
from pipeline.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "data" / "claims" / "amazon-next-cycle.yaml"

META_ALPHABET = """\
Meta and Alphabet: two ad giants, two AI bets
Published November 12, 2025

Meta Platforms (NASDAQ: META) said ad impressions grew 14% in the third quarter, and the
average price per ad rose 10%. Management expects capital expenditures to be notably larger
next year as it builds out AI data centers.

What worries me is the cost side. I think the stock is cheap.

Alphabet's Google Cloud grows faster than AWS, and its backlog has surged on demand for TPUs.
Demand for Gemini is so strong that capacity is sold out through 2026.
"""

NVDA_KO = """\
엔비디아 실적 점검
2025년 11월 20일 작성

엔비디아의 3분기 데이터센터 매출은 전년 대비 66% 증가했습니다. 블랙웰(Blackwell) 수요가
공급을 크게 앞서고 있어 내년까지 품절 상태가 이어질 것입니다. 다만 중국향 H20 매출은 수출
규제로 크게 감소했습니다.

저는 이 회사를 10년째 보유하고 있습니다.
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _ledger(tmp_path: Path, yaml_text: str):
    path = _write(tmp_path, "draft.yaml", yaml_text)
    return load_ledger(path)  # the draft validates as it is: it would score without edits


def _claim_with(ledger, words: str):
    return next(c for c in ledger.claims if words in c.quote)


@pytest.fixture(scope="module")
def seed_draft(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    article = shared_dir / "articles" / "amazon-next-cycle.ko.txt"
    draft = draft_ledger(article, tickers=("AMZN",), date=dt.date(2025, 11, 30), mapper=None)
    return _ledger(tmp_path_factory.mktemp("seed"), draft.yaml_text)


def test_every_seed_claim_is_found_with_ticker_amzn(seed_draft) -> None:
    drafted = {normalise_space(c.quote): c for c in seed_draft.claims}
    for claim in load_ledger(SEED).claims:
        quote = normalise_space(claim.quote)
        hits = [c for text, c in drafted.items() if text in quote or quote in text]
        assert hits, f"{claim.claim_id} not drafted"
        assert all(c.ticker == "AMZN" for c in hits), (claim.claim_id, [c.ticker for c in hits])
    assert seed_draft.article.date == dt.date(2025, 11, 30)
    assert seed_draft.article.language == "ko" and seed_draft.article.ticker == "AMZN"
    assert not any(c.quote.startswith("저는") for c in seed_draft.claims)  # biography


def test_seed_claims_carry_their_own_terms_time_frame_and_direction(seed_draft) -> None:
    robots = _claim_with(seed_draft, "스패로우(Sparrow)")
    assert {"Sparrow", "Proteus"} <= set(robots.terms) and not robots.cues
    assert robots.direction == "up" and robots.horizon == "past" and robots.quarter == "2025Q3"
    chips = _claim_with(seed_draft, "트레이니엄(Trainium)")
    assert {"Trainium", "Inferentia"} <= set(chips.terms)
    assert _claim_with(seed_draft, "경제적 해자").horizon == "forecast"
    tailwind = _claim_with(seed_draft, "2026년, 아마존에게")
    assert tailwind.horizon == "forecast" and tailwind.quarter == "2026Q4"
    assert _claim_with(seed_draft, "이익은 눌려있었고").direction == "down"
    assert _claim_with(seed_draft, "영업이익률(OPM)").metric == "operating_margin"
    # The NVIDIA sentence is NVIDIA's claim (its fiscal quarter: FY2026 Q3 ended in October).
    gpu = _claim_with(seed_draft, "엔비디아의 고가 GPU")
    assert gpu.ticker == "NVDA" and gpu.quarter == "2026Q3"


@pytest.mark.slow
def test_topics_are_an_optional_recall_hint_from_the_multilingual_model(shared_dir: Path,
                                                                         tmp_path: Path) -> None:
    article = shared_dir / "articles" / "amazon-next-cycle.ko.txt"
    draft = draft_ledger(article, tickers=("AMZN",), date=dt.date(2025, 11, 30))
    ledger = _ledger(tmp_path, draft.yaml_text)  # topic ids are checked against the taxonomy
    assert "robotics" in _claim_with(ledger, "스패로우(Sparrow)").topics
    assert "trainium" in _claim_with(ledger, "트레이니엄(Trainium)").topics


def test_a_sentence_naming_no_company_speaks_of_the_articles_main_company(
        shared_dir: Path, tmp_path: Path) -> None:
    # Line 8 ("선두 그룹은 …") follows a list of three companies and names none itself: the
    # article is about Amazon (named in far more sentences than any other company).
    article = shared_dir / "articles" / "amazon-next-cycle.ko.txt"
    ledger = _ledger(tmp_path, draft_ledger(article, date=dt.date(2025, 11, 30),
                                            mapper=None).yaml_text)
    line8 = _claim_with(ledger, "선두 그룹")
    assert line8.ticker == "AMZN"


def test_a_claim_whose_company_cannot_be_told_is_left_out_and_named(tmp_path: Path) -> None:
    article = _write(tmp_path, "two.txt", "November 3, 2025\n\nMicrosoft and Meta both "
                     "raised their capital spending plans for next year.\n\nRevenue will "
                     "grow 20% next year as capacity comes online.\n")
    draft = draft_ledger(article, mapper=None)
    assert draft.skipped == [(5, "Revenue will grow 20% next year as capacity comes online.")]
    assert "left out, company unclear (line 5" in draft.summary()
    assert "# Left out, line 5" in draft.yaml_text
    ledger = _ledger(tmp_path, draft.yaml_text)
    assert {c.ticker for c in ledger.claims} == {"MSFT", "META"}
    # Only when no claim can be placed is the whole draft an error naming the sentences.
    alone = _write(tmp_path, "alone.txt", "Revenue will grow 20% next year as capacity "
                   "comes online.\n")
    with pytest.raises(InputError) as err:
        draft_ledger(alone, mapper=None)
    message = str(err.value)
    assert "line 1" in message and "Revenue will grow 20%" in message and "--ticker" in message


def test_english_multi_company_article(tmp_path: Path) -> None:
    article = _write(tmp_path, "meta-alphabet.txt", META_ALPHABET)
    ledger = _ledger(tmp_path, draft_ledger(article, mapper=None).yaml_text)
    google = canonical_ticker(None, "GOOG")
    assert ledger.article.date == dt.date(2025, 11, 12)  # from "Published November 12, 2025"
    assert ledger.article.date_source == "text"
    impressions = _claim_with(ledger, "ad impressions grew 14%")
    assert impressions.ticker == "META" and impressions.quarter == "2025Q3"
    capex = _claim_with(ledger, "capital expenditures")
    assert capex.ticker == "META" and capex.metric == "capex"
    assert capex.horizon == "forecast" and capex.quarter == "2026Q4"
    cloud = _claim_with(ledger, "Google Cloud grows faster than AWS")
    assert cloud.ticker == google and "Google Cloud" in cloud.terms
    assert cloud.compare == {"with": ["AMZN"], "expect": "higher", "basis": "yoy"}
    sold_out = _claim_with(ledger, "sold out")
    assert sold_out.ticker == google and "Gemini" in sold_out.terms
    quotes = " ".join(c.quote for c in ledger.claims)
    assert "What worries me" not in quotes and "I think the stock" not in quotes
    assert set(ledger.article.tickers) >= {"META", google, "AMZN"}


def test_korean_nvidia_article_without_translation(tmp_path: Path) -> None:
    article = _write(tmp_path, "nvda.ko.txt", NVDA_KO)
    ledger = _ledger(tmp_path, draft_ledger(article, mapper=None).yaml_text)
    assert ledger.article.date == dt.date(2025, 11, 20) and ledger.article.language == "ko"
    assert {c.ticker for c in ledger.claims} == {"NVDA"}
    revenue = _claim_with(ledger, "데이터센터 매출")
    assert revenue.quarter == "2026Q3"  # NVIDIA's fiscal Q3 (FY ends in January)
    assert revenue.direction == "up" and revenue.horizon == "past"
    demand = _claim_with(ledger, "품절")
    assert demand.horizon == "forecast" and "Blackwell" in demand.terms
    china = _claim_with(ledger, "H20")
    assert china.direction == "down" and "H20" in china.terms
    assert not any("보유" in c.quote for c in ledger.claims)


NVDA_EN = """\
Why I'm still bullish on Nvidia
By Jane Roe, October 3, 2025

I have owned Nvidia since 2016. Let me explain why.

Nvidia's data center revenue rose 56% last quarter, and Blackwell shipments are ramping. Supply
of CoWoS packaging from TSMC remains the bottleneck. AMD is gaining share in inference, but its
MI350 still trails Nvidia on software. Sales to China fell sharply after the H20 export ban.

Hyperscalers such as Microsoft and Meta keep raising their capex guidance. Microsoft said Azure
grew 39% in its fiscal fourth quarter.

The valuation looks stretched at 40 times earnings. Honestly, who knows where the stock goes.
"""


def test_each_claim_gets_the_company_it_speaks_of(tmp_path: Path) -> None:
    article = _write(tmp_path, "nvda.en.txt", NVDA_EN)
    ledger = _ledger(tmp_path, draft_ledger(article, mapper=None).yaml_text)
    assert ledger.article.ticker == "NVDA" and ledger.article.date == dt.date(2025, 10, 3)
    dc = _claim_with(ledger, "data center revenue rose 56% last quarter")
    assert dc.ticker == "NVDA" and dc.quarter == "2026Q2"  # NVIDIA's FY2026 Q2 (to July)
    assert _claim_with(ledger, "CoWoS").ticker == "TSM"
    assert _claim_with(ledger, "gaining share").ticker == "AMD"
    # No company named: the paragraph's most named company, not the last one named.
    china = _claim_with(ledger, "Sales to China fell")
    assert china.ticker == "NVDA" and china.direction == "down" and "China" in china.terms
    # "Microsoft and Meta": one claim each.
    capex = [c for c in ledger.claims if "capex guidance" in c.quote]
    assert sorted(c.ticker for c in capex) == ["META", "MSFT"]
    # Microsoft's fiscal Q4 (to June 2025), as the company names it.
    assert _claim_with(ledger, "Azure").quarter == "2025Q4"
    quotes = " ".join(c.quote for c in ledger.claims)
    assert "owned Nvidia" not in quotes and "valuation looks stretched" not in quotes


def test_claims_add_writes_a_ledger_that_loads_and_keeps_every_ticker(tmp_path: Path) -> None:
    article = _write(tmp_path, "meta-alphabet.en.txt", META_ALPHABET.replace(
        "Published November 12, 2025\n", ""))
    out = tmp_path / "claims" / "meta.yaml"
    args = ["claims", "add", str(article), "--ticker", "META", "--ticker", "GOOG",
            "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "no date" in result.output  # today, said out loud
    ledger = load_ledger(out)
    assert ledger.article.date_source == "today"
    assert {"META", canonical_ticker(None, "GOOG")} <= set(ledger.article.tickers)
    assert "TODO" not in out.read_text(encoding="utf-8")
    assert f"wrote {out}" in result.output and "claims; companies" in result.output
    # Same draft again: unchanged; a different ledger there is refused without --force.
    again = CliRunner().invoke(main, [*args, "--date", "2025-11-12"])
    assert again.exit_code == 2 and "--force" in again.output
    forced = CliRunner().invoke(main, [*args, "--date", "2025-11-12", "--force"])
    assert forced.exit_code == 0, forced.output
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["article"]["date"] == \
        dt.date(2025, 11, 12)
    extract = CliRunner().invoke(main, ["claims", "extract", *args[2:-2], "--date",
                                        "2025-11-12"])
    assert extract.exit_code == 0 and "Google Cloud grows faster" in extract.output


def test_db_companies_table_names_companies_and_their_fiscal_year(tmp_path: Path) -> None:
    from claimtracker.db import Store

    db = tmp_path / "t.duckdb"
    store = Store.open(db)
    store.con.execute("INSERT INTO companies (cik, ticker, name, fiscal_year_end) "
                      "VALUES (99, 'ZZRB', 'Zorblax Robotics Inc', '0630')")
    store.close()
    article = _write(tmp_path, "z.txt", "Zorblax Robotics said orders grew 20% this quarter.\n")
    args = ["claims", "extract", str(article), "--db", str(db), "--date", "2025-11-12"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    claim = yaml.safe_load(result.stdout)["claims"][0]  # the summary goes to stderr
    assert claim["ticker"] == "ZZRB"
    assert claim["quarter"] == "2026Q1"  # the quarter to September 2025 in a June fiscal year


def test_placeholder_tickers_are_refused_before_drafting(tmp_path: Path) -> None:
    article = _write(tmp_path, "a.txt", META_ALPHABET)
    result = CliRunner().invoke(main, ["claims", "extract", str(article), "--ticker", "TODO",
                                       "--no-topics"])
    assert result.exit_code == 2 and "--ticker 'TODO' is not a ticker" in result.output


def test_ticker_guess_is_the_company_named_most() -> None:
    text = "엔비디아(NVDA)가 ... 바로 아마존(Amazon, AMZN)입니다. 아마존은 ... 아마존의 ..."
    assert guess_ticker(text) == "AMZN"


def test_extraction_rules_are_validated_with_file_and_line(tmp_path: Path) -> None:
    from claims.extraction_rules import load_extraction_rules
    from claimtracker.errors import ConfigError

    good = (REPO / "data" / "extraction.yaml").read_text(encoding="utf-8")
    bad = _write(tmp_path, "rules.yaml", good.replace("threshold: 2.0", "threshold: high"))
    with pytest.raises(ConfigError, match=r"rules.yaml:\d+: worthiness threshold: 'high'"):
        load_extraction_rules(bad)
    bad = _write(tmp_path, "rules2.yaml",
                 good.replace("  flat:\n    en: [flat,", "  flat:\n    de: [flat,"))
    with pytest.raises(ConfigError, match=r"rules2.yaml:\d+: `flat:` unknown \['de'\]"):
        load_extraction_rules(bad)


def test_a_multiple_of_the_peer_is_a_comparison(tmp_path: Path) -> None:
    """"growing about twice as fast as Azure" and "애플 서비스 성장률의 두 배가 넘습니다"
    compare with the peer (and ask for the multiple: claims/compare.py)."""
    english = _write(tmp_path, "multiples.en.txt", (
        "Chips and clouds\n\nMay 20, 2017\n\n"
        "NVIDIA's data-center business is growing about twice as fast as Azure, even though "
        "Azure itself is hardly standing still.\n"))
    ledger = _ledger(tmp_path, draft_ledger(english, mapper=None).yaml_text)
    nvidia = _claim_with(ledger, "twice as fast as Azure")
    assert nvidia.ticker == "NVDA"
    assert nvidia.compare == {"with": ["MSFT"], "expect": "higher", "basis": "yoy"}
    korean = _write(tmp_path, "multiples.ko.txt", (
        "클라우드와 AI\n\n2026년 2월 10일\n\n"
        "마이크로소프트는 이번 분기에도 클라우드 매출이 크게 늘었습니다. "
        "애저의 성장률은 애플 서비스 성장률의 두 배가 넘습니다.\n"))
    ledger = _ledger(tmp_path, draft_ledger(korean, mapper=None).yaml_text)
    azure = _claim_with(ledger, "두 배가 넘습니다")
    assert azure.ticker == "MSFT" and azure.compare is not None
    assert azure.compare["with"] == ["AAPL"] and azure.compare["expect"] == "higher"
