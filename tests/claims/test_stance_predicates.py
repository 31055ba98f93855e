"""Event claims (data/stance.yaml `events:`) on real management sentences from ../shared.

A claim that names an event (spin-off, dividend increase, ...) is decided only by sentences
naming the event: the subject plus any up-word is not enough. Each sentence is read from its
source file first, so the tests run on what management actually said.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_text import shared_sentence

from claims.ledger import Claim
from claims.stance import CONTRADICTS, NEUTRAL, SUPPORTS, RuleStance
from claims.stance_events import claim_event, parse_events
from claims.stance_rules import load_stance_rules
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import load_yaml

MODEL = RuleStance()




SPIN_OFF = Claim("spin", "Meta plans to spin off WhatsApp as a separate company.",
                 terms=("WhatsApp",), direction="up", horizon="forecast")
DIVIDEND_KO = Claim("div", "또한 엔비디아는 내년에 배당을 대폭 늘려 주주환원을 강화할 계획입니다.",
                    terms=("dividend",), direction="up", horizon="forecast")
DIVIDEND_EN = Claim("div-en", "Alphabet will raise its dividend.", terms=("Alphabet",),
                    direction="up", horizon="forecast")


def test_subject_with_up_word_does_not_support_an_event_claim() -> None:
    sentence = shared_sentence(
        "META/META_3Q25_presentation.txt",
        "Family of Apps other revenue was $690 million, up 59%, driven by WhatsApp paid "
        "messaging revenue growth as well as meta verified subscriptions.")
    plain = Claim("wa", "WhatsApp is growing.", terms=("WhatsApp",), direction="up")
    assert MODEL.judge(sentence, plain).stance == SUPPORTS  # a growth claim: yes
    result = MODEL.judge(sentence, SPIN_OFF)  # a spin-off claim: not a word about it
    assert result.stance == NEUTRAL
    assert result.cues == [{"event": "spin-off", "named": False}]


def test_event_named_supports_and_negated_contradicts() -> None:
    # No call in ../shared announces a spin-off; these phrasings test the reading itself.
    assert MODEL.judge("We intend to spin off WhatsApp as a separate company.",
                       SPIN_OFF).stance == SUPPORTS
    assert MODEL.judge("We have no plans to spin off WhatsApp.", SPIN_OFF).stance == CONTRADICTS
    # the event without its object (what is spun off) says nothing about this claim
    assert MODEL.judge("We completed the spin-off of our hardware unit.",
                       SPIN_OFF).stance == NEUTRAL


def test_dividend_increase_needs_the_dividend_to_rise() -> None:
    raised = shared_sentence(
        "GOOG/GOOG_1Q25.txt",
        "As we announced today, our Board of Directors declared a 5% increase in our quarterly "
        "dividend and also approved and used $70 billion share repurchase authorization.")
    for claim in (DIVIDEND_KO, DIVIDEND_EN):  # a Korean quote names 배당, an English one dividend
        result = MODEL.judge(raised, claim)
        assert result.stance == SUPPORTS, result.cues
        assert result.cues[0]["cue"] == "dividend"
    growth = shared_sentence(
        "META/META_3Q25_presentation.txt",
        "We're seeing strong growth across our portfolio of solutions, including with "
        "click-to-WhatsApp ads, which grew revenue 60% year-over-year in Q3.")
    assert MODEL.judge(growth, DIVIDEND_KO).stance == NEUTRAL


def test_claims_with_hand_cues_are_never_events() -> None:
    cued = Claim("c", "Meta will spin off WhatsApp.", cues={"WhatsApp": "up"})
    assert MODEL.judge("WhatsApp messaging grew.", cued).stance == SUPPORTS


def test_event_lexicon_reads_korean_and_english_claims() -> None:
    events = load_stance_rules().events
    assert claim_event("엔비디아는 배당을 늘릴 계획입니다", events).event_id == "dividend"
    assert claim_event("Meta plans to spin off WhatsApp", events).event_id == "spin-off"
    assert claim_event("Microsoft is preparing a big round of layoffs",
                       events).event_id == "layoffs"
    assert claim_event("Meta's revenue is growing more than 20% a year.", events) is None


def test_bad_event_is_a_config_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "stance.yaml"
    raw = b"events:\n  - id: spin-off\n    claim: [spin off]\n    evidence: []\n"
    with pytest.raises(ConfigError, match=r"stance.yaml:2: .*evidence must be a non-empty"):
        parse_events(path, load_yaml(raw, path)["events"], 1)


OP_MARGIN_DOWN = Claim("om", "Alphabet's operating margin is being squeezed by depreciation and "
                       "fell this year.", terms=("operating margin", "depreciation"),
                       metric="operating_margin", kind="both", direction="down")


def test_direction_word_of_another_noun_does_not_attach() -> None:
    """The parse gives "increased" to operating income, not to operating margin."""
    sentence = shared_sentence(
        "GOOG/GOOG_2Q25.txt",
        "Operating income increased 14% this quarter to $31.3 billion and operating margin was "
        "32.4%.")
    assert MODEL.judge(sentence, OP_MARGIN_DOWN).stance == NEUTRAL
    income = Claim("oi", "Operating income is rising.", terms=("operating income",),
                   direction="up")
    assert MODEL.judge(sentence, income).stance == SUPPORTS


def test_adverse_cause_supports_when_it_rises() -> None:
    """"squeezed by depreciation": depreciation rising supports the margin claim."""
    sentence = shared_sentence(
        "GOOG/GOOG_2Q25.txt",
        "In the second quarter, depreciation increased $1.3 billion year-over-year to $5 billion, "
        "reflecting a growth rate of 35%.")
    result = MODEL.judge(sentence, OP_MARGIN_DOWN)
    assert result.stance == SUPPORTS, result.cues
    assert result.cues[0]["cue"] == "depreciation" and result.cues[0]["expects"] == "up"
    # the same term, not named as a cause, keeps the claim's own direction
    plain = Claim("dep", "Depreciation fell.", terms=("depreciation",), direction="down")
    assert MODEL.judge(sentence, plain).stance == CONTRADICTS


BACKLOG = Claim("bl", "Google Cloud's backlog jumped to $155 billion.",
                terms=("Google Cloud", "Google backlog"), direction="up")


def test_claim_subject_head_must_be_named() -> None:
    """Backlog is what the claim says jumped: Google Cloud's revenue growth is not evidence."""
    growth = shared_sentence(
        "GOOG/GOOG_1Q25.txt",
        "Search and YouTube advertising, subscription platforms and devices, and Google Cloud, "
        "each had double-digit revenue growth this quarter reflecting strong momentum across the "
        "business.")
    result = MODEL.judge(growth, BACKLOG)
    assert result.stance == NEUTRAL and result.cues == [{"head": "backlog", "named": False}]
    backlog = shared_sentence(
        "GOOG/GOOG_3Q25.txt",
        "Google Cloud's backlog increased 46% sequentially and 82% year-over-year, reaching $155 "
        "billion at the end of the third quarter.")
    assert MODEL.judge(backlog, BACKLOG).stance == SUPPORTS
    # a generic head (growth) or a name outside the terms (Meta) requires nothing
    cloud = Claim("gc", "Google Cloud revenue growth accelerated every quarter this year.",
                  terms=("Google Cloud",), direction="up")
    assert MODEL.judge(growth, cloud).stance == SUPPORTS


CLOUD_GM = Claim("cgm", "Microsoft Cloud gross margin is being squeezed by AI infrastructure "
                 "costs.", terms=("Cloud gross margin", "AI infrastructure costs", "gross margin"),
                 metric="gross_margin", kind="both", direction="down")


def test_a_qualified_subject_leaves_out_the_bare_one() -> None:
    """The claim is about Microsoft Cloud's gross margin, not a segment's."""
    segment = shared_sentence(
        "MSFT/MSFT_1Q26_presentation.txt",
        "Segment gross margin dollars increased 11% and 10% in constant currency, and gross "
        "margin percentage increased year-over-year driven by sales mix shift to higher-margin "
        "businesses.")
    assert MODEL.judge(segment, CLOUD_GM).stance == NEUTRAL
    cloud = shared_sentence(
        "MSFT/MSFT_3Q25.txt",
        "Microsoft Cloud gross margin percentage was 69%, in line with expectations and "
        "decreased three points year-over-year, driven by the impact of scaling our AI "
        "infrastructure.")
    result = MODEL.judge(cloud, CLOUD_GM)
    assert result.stance == SUPPORTS, result.cues


def test_better_than_expected_is_not_a_change() -> None:
    sentence = shared_sentence(
        "MSFT/MSFT_1Q26_presentation.txt",
        "Microsoft Cloud gross margin percentage was slightly better than expected at 68% and "
        "down year-over-year due to the investments in AI that were partially offset by ongoing "
        "efficiency gains as noted earlier.")
    assert MODEL.judge(sentence, CLOUD_GM).stance != CONTRADICTS


SOLD_OUT = Claim("so", "젠슨 황은 클라우드 GPU가 완전히 매진(sold out)됐다고 말했습니다.",
                 terms=("GPU", "cloud"), direction="up")


def test_sold_out_claim_needs_sold_out_language() -> None:
    said = shared_sentence(
        "NVDA/NVDA_3Q26_presentation.txt",
        "The clouds are sold out and our GPU installed base, both new and previous generations, "
        "including Blackwell, Hopper and Ampere is fully utilized.")
    result = MODEL.judge(said, SOLD_OUT)
    assert result.stance == SUPPORTS and result.cues[0]["event"] == "sold-out"
    projects = shared_sentence(
        "NVDA/NVDA_3Q26_presentation.txt",
        "This past quarter, we announced AI factory and infrastructure projects amounting to an "
        "aggregate of 5 million GPUs.")
    assert MODEL.judge(projects, SOLD_OUT).stance == NEUTRAL


def test_a_synonym_from_the_terms_names_the_head() -> None:
    """The glossary adds "remaining performance obligation" for backlog: it names the head."""
    claim = Claim("bl", "Microsoft's commercial backlog jumped.",
                  terms=("commercial backlog", "commercial remaining performance obligation"),
                  direction="up")
    sentence = shared_sentence("MSFT/2020-Jul-22-MSFT.txt", "As a result, commercial remaining "
                               "performance obligation increased 23% to $107 billion.")
    assert MODEL.judge(sentence, claim).stance == SUPPORTS


def test_a_sentence_scoped_to_another_entity_is_not_evidence() -> None:
    revenue = Claim("rev", "Meta's revenue is growing more than 20% a year.",
                    terms=("revenue",), metric="revenue", kind="both", direction="up")
    segment = shared_sentence(
        "META/META_1Q25.txt",
        "Within our Reality Labs segment, Q1 revenue was $412 million, down 6% year-over-year "
        "due to lower Meta Quest sales, which were partially offset by increased sales of RayBan "
        "Meta AI glasses.")
    result = MODEL.judge(segment, revenue)
    assert result.stance == NEUTRAL and result.cues == [
        {"scope": "Within our Reality Labs segment"}]
    azure = Claim("az", "Azure is growing faster than 30% a year.", terms=("Azure",),
                  direction="up")
    scoped = shared_sentence(
        "MSFT/MSFT_1Q26_presentation.txt",
        "In Azure and other Cloud services, where we continue to see accelerating demand, "
        "revenue grew 40% and 39% in constant currency.")
    assert MODEL.judge(scoped, azure).stance == SUPPORTS  # scoped to the claim's own subject
