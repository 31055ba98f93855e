"""bench/claims_eval_match.py: an evidence sentence the tracker shows hits the label's
justifying sentence when it is the same text, also when ingest rewrote an Event Brief's
vendor bullet ("Down 12% YoverY." is stored under its parents, in plain words)."""

from __future__ import annotations

import sys
from pathlib import Path

from ingest.transcripts.event_brief import load_summary_rules

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from claims_eval_match import evidence_hits


def test_a_vendor_bullet_hits_the_line_ingest_stored_for_it(shared_dir: Path) -> None:
    brief = (shared_dir / "transcripts" / "AAPL" / "2019-Jul-30-AAPL.txt").read_text()
    assert "1. Down 12% YoverY." in brief and "1. Revenue $26b." in brief
    stored = ("iPhone: Revenue $26 billion - Down 12% year over year - Significant improvement "
              "to 17% year over year decline in 2Q.")
    assert load_summary_rules().plain("Revenue $26b, down 12% YoverY.") == \
        "Revenue $26 billion, down 12% year over year."
    assert evidence_hits(stored, ["Down 12% YoverY."])
    assert not evidence_hits(stored, ["Down 17% YoverY."])
    said = "Gross margin was 35%, up 4 percentage points year-over-year."
    assert evidence_hits(said, [said]) and not evidence_hits(said, ["Gross margin was 37%."])
