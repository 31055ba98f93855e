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
