"""Ledgers edited by a reviewer (the Articles page) go through the same library as `claims add`:
the ledger of edited claims, in-memory validation with file:line errors, one atomic write."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from claims import draft_io
from claims.ledger import load_ledger
from claimtracker.errors import ConfigError

SEED = Path(__file__).resolve().parents[2] / "data" / "claims" / "amazon-next-cycle.yaml"


def _seed() -> dict:
    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


def test_edited_claims_become_a_ledger_that_scores_as_is(tmp_path: Path) -> None:
    seed = _seed()
    claims = [dict(c, why="line 3: reviewer kept it") for c in seed["claims"][:3]]
    claims[0] = dict(claims[0], kind="narrative", metric="employees", statement="")
    claims[1] = dict(claims[1], ticker="MSFT")
    ledger = draft_io.ledger_from_edited(seed["article"], claims)
    assert all("why" not in c for c in ledger["claims"])
    assert "metric" not in ledger["claims"][0] and "statement" not in ledger["claims"][0]
    assert "MSFT" in ledger["article"]["tickers"]
    path = tmp_path / "edited.yaml"
    assert draft_io.write_ledger(draft_io.ledger_yaml(ledger), path, drafted=False)
    loaded = load_ledger(path)
    assert [c.claim_id for c in loaded.claims] == [c["id"] for c in seed["claims"][:3]]
    assert loaded.claims[1].ticker == "MSFT"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left


def test_an_invalid_edit_names_the_line_and_leaves_the_file_alone(tmp_path: Path) -> None:
    seed = _seed()
    path = tmp_path / "edited.yaml"
    good = draft_io.ledger_yaml(seed)
    draft_io.write_ledger(good, path)
    seed["claims"][1]["direction"] = "sideways"
    bad = draft_io.ledger_yaml(seed)
    with pytest.raises(ConfigError, match=rf"{path}:\d+: .*direction") as caught:
        draft_io.write_ledger(bad, path, force=True, drafted=False)
    assert "please report" not in str(caught.value)  # the reviewer's edit, not a drafter bug
    with pytest.raises(ConfigError, match="please report"):
        draft_io.write_ledger(bad, path, force=True)
    assert path.read_text(encoding="utf-8") == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edited.yaml"]


def test_one_slug_rule_for_cli_and_app(tmp_path: Path) -> None:
    assert draft_io.default_path(Path("x/My Article.ko.txt")).name == "my-article.yaml"
    assert draft_io.ledger_path("My Article", tmp_path) == tmp_path / "my-article.yaml"
    assert draft_io.ledger_path("아마존", tmp_path).name == "article.yaml"
