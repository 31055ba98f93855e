"""A quarter's evidence leads with the sentence that justifies the verdict (claims.evidence_rank).

The candidate lists below are real management sentences of ../shared calls, in the order the
hybrid search ranked them for a drafted claim (bench/claims_eval.py's articles); each is looked
up in its transcript first, so the tests read real text.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from shared_text import transcript_sentences

from claims.evidence import pick
from claims.evidence_rank import SCORE_KEY, key_terms, rank_candidates
from claims.evidence_settings import evidence_settings
from claims.ledger import Claim
from claims.query import claim_query
from claims.stance import CONTRADICTS, NEUTRAL, SUPPORTS, RuleStance, StanceResult
from claimtracker.errors import ConfigError

_sentences = transcript_sentences


def _real(file: str, starts: list[str]) -> list[dict[str, Any]]:
    """Hits for the transcript sentences beginning with each prefix, in the given order."""
    hits = []
    for i, start in enumerate(starts):
        found = [s for s in _sentences(file) if s.startswith(start)]
        assert found, f"{file}: no sentence starts with {start!r}"
        hits.append({"sentence_id": f"{file}#{i}", "text": found[0], "role": "management",
                     "doc_type": "transcript"})
    return hits


# META Q3 2025, "Meta's revenue is growing more than 20% a year.": the search's first twelve,
# then the justifying sentence (the search put it 33rd).
META_Q3 = ("META/META_3Q25_presentation.txt", "META/META_3Q25_qna.txt")
META_ORDER = [
    (1, "But as products like the Ray-Ban Meta and Oakley Metas are growing"),
    (0, "Our outlook reflects an expectation for continued strong ad revenue growth"),
    (0, "Family of Apps other revenue was $690 million"),
    (0, "The number of people using Meta AI across our family of apps continues to grow"),
    (0, "On the first, daily actives continue to grow year-over-year"),
    (1, "And so we think that, that's going to be a big part of our ability"),
    (0, "Within our Reality Labs segment, Q3 revenue was $470 million"),
    (0, "There are 2 primary factors that drive our revenue performance."),
    (1, "One is that the work on Ray-Ban Meta and the Oakley Meta product"),
    (0, "Q3 total revenue was $51.2 billion"),
]


def _meta_hits() -> list[dict[str, Any]]:
    return [_real(META_Q3[part], [start])[0] for part, start in META_ORDER]


def test_the_sentence_with_the_claims_metric_and_a_figure_rises_to_the_top() -> None:
    claim = Claim(claim_id="meta-revenue", quote="Meta's revenue is growing more than 20% a year.",
                  terms=("revenue",), metric="revenue", ticker="META")
    hits = _meta_hits()
    assert not any("Q3 total revenue" in h["text"] for h in hits[:3])  # as the search had it
    ranked = rank_candidates(hits, key_terms(claim_query(claim)))
    assert any(h["text"].startswith("Q3 total revenue was $51.2 billion") for h in ranked[:3])
    assert all(SCORE_KEY in h for h in ranked)
    # talk about the subject without a figure, and text without the subject, come after it
    position = {h["text"][:40]: i for i, h in enumerate(ranked)}
    assert position["Q3 total revenue was $51.2 billion, up 2"] \
        < position["There are 2 primary factors that drive o"] \
        < position["But as products like the Ray-Ban Meta an"]


def test_only_the_head_is_reordered() -> None:
    claim = Claim(claim_id="meta-revenue", quote="Meta's revenue is growing.", terms=("revenue",),
                  ticker="META")
    hits = _meta_hits()
    shallow = dataclasses.replace(evidence_settings(), depth=3)
    ranked = rank_candidates(hits, key_terms(claim_query(claim), shallow), shallow)
    assert [h["sentence_id"] for h in ranked[3:]] == [h["sentence_id"] for h in hits[3:]]
    assert {h["sentence_id"] for h in ranked[:3]} == {h["sentence_id"] for h in hits[:3]}


class DirectionWords:
    """Stands in for the stance rules: a direction word next to anything takes a side."""

    name = "direction-words"

    def judge(self, sentence: str, claim: Claim) -> StanceResult:
        text = sentence.lower()
        if "declin" in text or "lower" in text:
            return StanceResult(CONTRADICTS, 1.0)
        if any(w in text for w in ("strong", "growth", "grew", "increase")):
            return StanceResult(SUPPORTS, 1.0)
        return StanceResult(NEUTRAL, 0.0)


def test_pick_shows_the_justifying_sentence_before_sentences_that_only_hold_direction_words(
) -> None:
    # GOOG Q1 2025, "Google Cloud revenue growth accelerated every quarter this year": the
    # search's order; the justifying sentence (2nd) holds no direction word the rules know.
    hits = _real("GOOG/GOOG_1Q25.txt", [
        "Search and YouTube advertising, subscription platforms and devices, and Google Cloud",
        "Revenue increased by 28% to $12.3 billion in the first quarter",
        "Turning to the Google Cloud segment, which continued to deliver very strong results",
        "Second in Cloud, we're in a tight demand supply environment",
        "With respect to CapEx, our reported CapEx in the first quarter was $17.2 billion",
        "As we announced last quarter, YouTube and Cloud exited 2024",
        "Google services revenues were $77 billion for the quarter",
    ])
    claim = Claim(claim_id="cloud-accelerating", ticker="GOOG", metric="cloud_revenue",
                  quote="Google Cloud revenue growth accelerated every quarter this year, "
                        "reaching 34%.",
                  terms=("Google Cloud", "Google Cloud revenue growth", "cloud revenue"))
    ranked = rank_candidates(hits, key_terms(claim_query(claim)))
    pairs = pick(ranked, claim, DirectionWords(), k=6, pool=12)
    shown = [h["text"] for h, _ in pairs]
    assert any(t.startswith("Revenue increased by 28% to $12.3 billion") for t in shown[:3])
    # the verdict still weighs the sentences that take a side, after the lead
    lead = evidence_settings().lead
    rest = [s.stance for _, s in pairs[lead:]]
    assert rest == sorted(rest, key=lambda stance: stance == NEUTRAL)


def test_a_korean_claim_ranks_by_its_glossary_terms() -> None:
    # NVDA Q4 FY2025: "gross margins slipped to the low 70s as Blackwell shipped".
    hits = _real("NVDA/NVDA_4Q25.txt", [
        "In Q4, Blackwell sales exceeded our expectations.",
        "We delivered $11 billion of Blackwell revenue to meet strong demand.",
        "This is the fastest product ramp in our company's history",
        "GAAP gross margin was 73% and non-GAAP gross margin was 73.5%",
    ])
    quote = "블랙웰 초기 물량이 본격 출하되던 시기에 총이익률은 70% 초반까지 밀렸습니다."
    claim = Claim(claim_id="gm-dip", ticker="NVDA", metric="gross_margin", quote=quote)
    terms = key_terms(claim_query(claim))
    assert "gross" in terms.words and "margin" in terms.words
    ranked = rank_candidates(hits, terms)
    assert ranked[0]["text"].startswith("GAAP gross margin was 73%")


@pytest.mark.parametrize("text, figure", [
    ("Operating margin was up 320 basis points year-over-year", True),
    ("Reality Labs' operating loss was $4.2 billion.", True),
    ("Networking revenue declined 3% sequentially.", True),
    ("We have over 1 million robots in our fulfillment network at this point.", True),
    ("Turning to the Google Cloud segment in Q3 of 2025.", False),
])
def test_what_counts_as_a_reported_figure(text: str, figure: bool) -> None:
    assert bool(evidence_settings().figure.search(text)) is figure


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "evidence.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_errors_name_the_file_and_line(tmp_path: Path) -> None:
    good = (Path(__file__).resolve().parents[2] / "data" / "evidence.yaml").read_text()
    bad_weight = good.replace("  number: 0.3", "  number: lots")
    with pytest.raises(ConfigError, match=r"evidence\.yaml:\d+: `number` must be a number"):
        evidence_settings(_write(tmp_path, bad_weight))
    unquoted = good.replace('"on"', "on")  # YAML reads `on` as true
    with pytest.raises(ConfigError, match=r"evidence\.yaml:\d+: `stopwords` must be a list"):
        evidence_settings(_write(tmp_path, unquoted))
    with pytest.raises(ConfigError, match=r"evidence\.yaml:\d+: unknown setting\(s\) \['dpeth'\]"):
        evidence_settings(_write(tmp_path, good.replace("depth: 30", "dpeth: 30")))
    missing = good.replace("  sided: 0.1\n", "")
    with pytest.raises(ConfigError, match=r"missing \['sided'\]"):
        evidence_settings(_write(tmp_path, missing))


def test_hand_written_cues_keep_the_sentences_that_take_a_side_first() -> None:
    # The seed ledger's claims carry hand cues: their stances, not the figures, order the
    # evidence (data/evidence.yaml lead_with_cues); a drafted claim leads with the figure.
    hits = _real("GOOG/GOOG_1Q25.txt", [
        "As we announced last quarter, YouTube and Cloud exited 2024",
        "Turning to the Google Cloud segment, which continued to deliver very strong results",
    ])
    drafted = Claim(claim_id="cloud-strong", ticker="GOOG", quote="Cloud is strong.",
                    terms=("Cloud",))
    hand = dataclasses.replace(drafted, cues={"strong": "up"})
    ranked = rank_candidates(hits, key_terms(claim_query(drafted)))
    assert ranked[0]["text"].startswith("As we announced last quarter")
    first = {name: pick(ranked, claim, DirectionWords(), k=2, pool=2)[0][0]["text"]
             for name, claim in (("drafted", drafted), ("hand", hand))}
    assert first["drafted"].startswith("As we announced last quarter")
    assert evidence_settings().lead_with_cues == 0
    assert first["hand"].startswith("Turning to the Google Cloud segment")
    assert evidence_settings().depth_with_cues == 0  # the hand ledger's search order is kept
    kept = rank_candidates(list(reversed(hits)), key_terms(claim_query(hand)), hand_cues=True)
    assert [h["text"] for h in kept] == [h["text"] for h in reversed(hits)]


def test_a_forecast_claim_leads_with_guidance() -> None:
    """NVIDIA Q1 FY2026: "revenue will grow again next quarter" is answered by the outlook
    ("Total revenue is expected to be $45 billion"), not by the quarter's result; the same
    sentences for a claim about the past keep the result first."""
    hits = _real("NVDA/NVDA_1Q26.txt", [
        "We delivered another strong quarter with revenue of $44 billion",
        "Revenue was $567 million, down 1% sequentially",
        "Total revenue is expected to be $45 billion, plus or minus 2%.",
    ])
    for rank, hit in enumerate(hits):
        hit[SCORE_KEY] = 1.0 - rank * 0.05
    forecast = Claim("guide", "NVIDIA guided revenue to grow sequentially next quarter.",
                     terms=("revenue",), direction="up", horizon="forecast")
    past = dataclasses.replace(forecast, claim_id="past", horizon="past")
    lead = [hit["text"] for hit, _ in pick(hits, forecast, RuleStance(), k=3)]
    assert lead[0].startswith("Total revenue is expected")
    lead_past = [hit["text"] for hit, _ in pick(hits, past, RuleStance(), k=3)]
    assert lead_past[0].startswith("We delivered another strong quarter")


def test_a_korean_claim_ranks_by_its_subject_not_its_company_name() -> None:
    # TSMC Q2 2025, "TSMC has all but dropped its second Kumamoto fab": the sentence on the
    # second fab rises above a heading that only names the company.
    hits = _real("TSM/TSM_2Q25.txt", [
        "Next, let me talk about TSMC's global manufacturing footprint update.",
        "The construction of our second specialty fab is scheduled to start later this year",
    ])
    claim = Claim(claim_id="kumamoto", ticker="TSM",
                  quote="TSMC는 일본 구마모토 2공장 계획을 사실상 접었습니다.")
    ranked = rank_candidates(hits, key_terms(claim_query(claim)))
    assert ranked[0]["text"].startswith("The construction of our second specialty fab")
