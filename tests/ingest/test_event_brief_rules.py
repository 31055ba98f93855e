"""The Event Brief rules file is validated on load, and speakers come only from initials that
name exactly one company participant."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtracker.errors import ConfigError
from ingest.transcripts.event_brief import SUMMARY_FILE, load_summary_rules, speaker_by_initials
from ingest.transcripts.model import Participant


def test_a_bad_pattern_names_its_file_and_line(tmp_path: Path) -> None:
    text = SUMMARY_FILE.read_text().replace(
        "{pattern: '\\bqtr\\.', replace: quarter}", "{pattern: '(qtr', replace: quarter}")
    bad = tmp_path / "transcript_summaries.yaml"
    bad.write_text(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "'(qtr'" in row)
    with pytest.raises(ConfigError, match=rf"{bad}:{line}: pattern '\(qtr' is not a valid"):
        load_summary_rules(bad)


def test_the_shipped_rules_rewrite_vendor_shorthand() -> None:
    rules = load_summary_rules()
    assert rules.plain("Avg. weekly iPhone sales up 6% YoverY in Dec. qtr., 77.3m units.") == (
        "Average weekly iPhone sales up 6% year over year in December quarter, 77.3 million "
        "units.")
    assert rules.plain("1Q18 revenue = $88.3b.") == "Q1 2018 revenue = $88.3 billion."


def test_initials_must_name_one_company_participant() -> None:
    people = [Participant("Timothy D. Cook", "management"),
              Participant("Luca Maestri", "management"),
              Participant("Tom Carter", "analyst"),
              Participant("Lisa T. Su", "management"),
              Participant("Laura Graves", "investor_relations")]
    assert speaker_by_initials("T.C.", people) == "Timothy D. Cook"  # never the analyst T.C.
    assert speaker_by_initials("L.M.", people) == "Luca Maestri"
    assert speaker_by_initials("N.P.", people) is None  # nobody listed
    people.append(Participant("Lars Schmidt", "management"))
    assert speaker_by_initials("L.S.", people) is None  # Lisa Su or Lars Schmidt: no guess
    assert speaker_by_initials(None, people) is None
