"""Ledger loading and validation: the seed ledger, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.ledger import load_ledger, missing_quotes
from claimtracker.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "data" / "claims" / "amazon-next-cycle.yaml"
REQUIRED = {"robots-deployed", "robots-fixed-cost", "manager-cuts", "margin-expansion",
            "profit-leverage", "aws-leader", "own-chips-deployed", "chip-cost-moat",
            "harvest-cycle", "capex-burden", "macro-tailwind"}


def test_seed_ledger_has_every_required_claim_with_known_topics() -> None:
    ledger = load_ledger(SEED)  # validates topics against data/topics.yaml
    ids = {c.claim_id for c in ledger.claims}
    assert ids >= REQUIRED
    assert ledger.article.ticker == "AMZN" and ledger.article.language == "ko"
    assert ledger.claim("capex-burden").metric == "capex"
    assert ledger.claim("margin-expansion").metric == "operating_margin"
    assert ledger.claim("own-chips-deployed").topics[0] == "trainium"


def test_seed_quotes_are_verbatim_korean_from_the_article(shared_dir: Path) -> None:
    ledger = load_ledger(SEED)
    article = (shared_dir / "articles" / "amazon-next-cycle.ko.txt").read_text(encoding="utf-8")
    assert missing_quotes(ledger, article) == []
    assert "트레이니엄(Trainium)" in ledger.claim("own-chips-deployed").quote


GOOD_CLAIM = """\
  - id: chips
    quote: "자체 칩"
    statement: Own chips.
    topics: [custom_silicon]
    kind: narrative
    direction: up
    horizon: past
"""
HEADER = """\
article:
  title: T
  source: S
  language: ko
  date: 2025-11-30
  ticker: AMZN
claims:
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "line", "message"), [
    (HEADER + GOOD_CLAIM.replace("[custom_silicon]", "[chips_and_dips]"), 8, "unknown topic"),
    (HEADER + GOOD_CLAIM.replace("kind: narrative", "kind: rumour"), 8, "kind: rumour"),
    (HEADER + GOOD_CLAIM.replace("kind: narrative", "kind: metric"), 8, "needs `metric:`"),
    (HEADER + GOOD_CLAIM + GOOD_CLAIM, 15, "already used on line 8"),
    (HEADER.replace("2025-11-30", "late 2025") + GOOD_CLAIM, 2, "not YYYY-MM-DD"),
    (HEADER + GOOD_CLAIM.replace("direction: up", "direction: sideways"), 8, "sideways"),
    (HEADER + GOOD_CLAIM + "    cues: {capex: upward}\n", 15, "cue 'capex'"),
])
def test_validation_errors_name_file_and_line(tmp_path: Path, text: str, line: int,
                                              message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_ledger(path)
    assert f"{path}:{line}:" in str(err.value)
    assert message in str(err.value)


def test_broken_yaml_and_missing_file_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"bad.yaml:\d+: not valid YAML"):
        load_ledger(_write(tmp_path, HEADER + "  - id: [unclosed\n"))
    with pytest.raises(ConfigError, match="cannot read the claim ledger"):
        load_ledger(tmp_path / "nope.yaml")


@pytest.mark.parametrize(("text", "line", "message"), [
    (HEADER + GOOD_CLAIM + "    ticker: TODO\n", 8, "`ticker: TODO` is a placeholder"),
    (HEADER.replace("ticker: AMZN", "ticker: TODO") + GOOD_CLAIM, 2, "placeholder"),
    (HEADER + GOOD_CLAIM.replace("statement: Own chips.", "statement: TODO"), 8, "placeholder"),
    (HEADER + GOOD_CLAIM + "    compare: {with: [TODO], expect: higher}\n", 15, "compare ticker"),
    (HEADER + GOOD_CLAIM + "    compare: {with: [MSFT], expect: faster}\n", 15, "faster"),
    (HEADER + GOOD_CLAIM + "    quarter: Q3 2025\n", 8, "not a fiscal quarter like 2025Q3"),
    (HEADER.replace("  ticker: AMZN\n", "") + GOOD_CLAIM, 7, "has no `ticker`"),
])
def test_placeholders_and_bad_new_fields_are_refused(tmp_path: Path, text: str, line: int,
                                                     message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_ledger(path)
    assert f"{path}:{line}:" in str(err.value)
    assert message in str(err.value)


def test_optional_fields_parse_and_stay_out_of_the_spec_when_unset(tmp_path: Path) -> None:
    minimal = HEADER.replace("  ticker: AMZN\n", "") + """\
  - id: cloud-faster
    quote: "Google Cloud grew faster than AWS this quarter."
    kind: narrative
    direction: up
    horizon: past
    ticker: googl
    terms: [Google Cloud, AWS]
    quarter: 2025q3
    compare: {with: [amzn], expect: higher}
"""
    ledger = load_ledger(_write(tmp_path, minimal))
    claim = ledger.claims[0]
    assert claim.statement == claim.quote and claim.topics == ()
    assert claim.ticker == "GOOGL" and ledger.article.ticker == "GOOGL"
    assert claim.terms == ("Google Cloud", "AWS") and claim.quarter == "2025Q3"
    assert claim.compare == {"with": ["AMZN"], "expect": "higher", "basis": "yoy"}
    assert '"compare"' in claim.spec_json() and '"terms"' in claim.spec_json()
    seed = load_ledger(SEED).claims[0].spec_json()
    assert '"terms"' not in seed and '"quarter"' not in seed and '"compare"' not in seed
