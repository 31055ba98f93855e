"""Stance rules on real management sentences copied from ../shared transcripts and releases.

The seed ledger's hand cues must keep their behaviour; claims with only key terms get their
direction from the phrase rules and direction words of data/stance.yaml."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from claims.ledger import Claim, load_ledger
from claims.stance import CONTRADICTS, NEUTRAL, SUPPORTS, RuleStance, StanceModel
from claims.stance_rules import DEFAULT_RULES, load_stance_rules
from claimtracker.errors import ConfigError

SEED = Path(__file__).resolve().parents[2] / "data" / "claims" / "amazon-next-cycle.yaml"
LEDGER = load_ledger(SEED)
MODEL = RuleStance()

CASES = [
    # (claim, sentence from ../shared, expected stance)
    ("own-chips-deployed",  # AMZN_3Q25.txt, prepared remarks
     "Trainium2 continues to see strong adoption, is fully subscribed is now a multibillion-dollar "
     "business that grew 150% quarter-over-quarter.", SUPPORTS),
    ("own-chips-deployed", "It's fully subscribed on Trainium2.", SUPPORTS),  # 3Q25 Q&A
    ("robots-deployed",  # AMZN_3Q25.txt, Jassy answer
     "We have over 1 million robots in our fulfillment network at this point.", SUPPORTS),
    ("robots-fixed-cost",  # AMZN_2Q25.txt
     "Automation and robotics are also important contributors to improving cost efficiencies "
     "and driving better customer experiences over time.", SUPPORTS),
    ("logistics-efficiency",  # 8-K 2024-02-01 release (2023 Q4)
     "Our regionalized fulfillment network led to our fastest-ever delivery speeds for Prime "
     "members while also lowering our cost to serve.", SUPPORTS),
    ("capex-burden",  # AMZN_3Q25.txt, CFO
     "Looking ahead, we expect our full year cash CapEx to be approximately $125 billion in "
     "2025, and we expect that amount will increase in 2026.", CONTRADICTS),
    ("capex-burden",  # AMZN_4Q25.txt
     "We expect to invest about $200 billion in capital expenditures across Amazon, but "
     "predominantly in AWS because we have very high demand.", CONTRADICTS),
    ("chip-cost-moat",  # AMZN_4Q25.txt
     "Trainium2 is 30% to 40% more price performance than comparable GPUs and is a "
     "multibillion-dollar annualized revenue run rate business.", SUPPORTS),
    ("chip-cost-moat",  # 8-K 2023-04-27 release (2023 Q1)
     "Compared to other EC2 instances, Inferentia2 provides up to 40% better inference price "
     "performance, and Trainium delivers up to 50% savings on training costs.", SUPPORTS),
    ("margin-expansion",  # AMZN_3Q25.txt: a hedge with no direction takes no side
     "Operating margin may fluctuate quarter-to-quarter, we have a deliberate approach to "
     "achieve sustained progress over the long term.", NEUTRAL),
    ("margin-expansion",  # 8-K 2022-10-27 release (2022 Q3)
     "Operating income decreased to $2.5 billion in the third quarter, compared with $4.9 "
     "billion in third quarter 2021.", CONTRADICTS),
    ("aws-leader",  # AMZN_4Q25.txt
     "We continue to add more incremental revenue and capacity than others and extend our "
     "leadership position.", SUPPORTS),
    ("manager-cuts",  # AMZN_3Q25.txt
     "And that means removing layers.", SUPPORTS),
]


@pytest.mark.parametrize(("claim_id", "sentence", "expected"), CASES)
def test_rules_on_real_sentences(claim_id: str, sentence: str, expected: str) -> None:
    result = MODEL.judge(sentence, LEDGER.claim(claim_id))
    assert result.stance == expected, result.cues


def test_negation_flips_the_direction() -> None:
    claim = LEDGER.claim("manager-cuts")
    plain = MODEL.judge("We are reducing the number of managers.", claim)
    negated = MODEL.judge("We are not reducing the number of managers.", claim)
    assert (plain.stance, negated.stance) == (SUPPORTS, CONTRADICTS)
    assert negated.cues[0]["negated"] is True


def test_forward_looking_and_hedged_sentences_weigh_less_for_past_claims() -> None:
    claim = LEDGER.claim("capex-burden")  # horizon: past
    realised = MODEL.judge("Capital expenditures increased 30% year over year.", claim)
    forward = MODEL.judge("We expect capital expenditures to increase next year.", claim)
    hedged = MODEL.judge("Capital expenditures may increase next year.", claim)
    assert realised.stance == forward.stance == hedged.stance == CONTRADICTS
    assert realised.weight > forward.weight > hedged.weight
    assert forward.forward_looking and hedged.hedged


def test_rule_model_satisfies_the_stance_protocol() -> None:
    assert isinstance(MODEL, StanceModel)


# -- Subjects, phrase rules and the parse (rules from data/stance.yaml) -------------------------

def _claim(terms: tuple[str, ...], direction: str = "up", *, kind: str = "narrative",
           metric: str | None = None, horizon: str = "past") -> Claim:
    """A claim with key terms and no hand-written cues: stance must come from the terms."""
    return Claim(claim_id="terms-only", quote="q", statement="s", topics=("t",), kind=kind,
                 direction=direction, horizon=horizon, metric=metric, terms=terms)


CAPEX_UP = _claim((), "up", kind="metric", metric="capex", horizon="forecast")
# META_3Q25_presentation.txt, CFO (both)
UPWARD_CAPEX = ("We anticipate this will provide further upward pressure on our CapEx and "
                "expense plans next year.")
META_OUTLOOK = ("We currently expect 2025 capital expenditures, including principal payments "
                "on finance leases to be in the range of $70 billion to $72 billion, increased "
                "from our prior outlook of $66 billion to $72 billion.")

PHRASINGS = [
    # (claim, sentence from ../shared, expected stance, rule that must have decided it)
    (CAPEX_UP, UPWARD_CAPEX, SUPPORTS, "upward-pressure"),
    (CAPEX_UP, META_OUTLOOK, SUPPORTS, "raised-outlook"),
    (CAPEX_UP,  # GOOG_2Q25.txt
     "Given the strong demand for our cloud products and services, we now expect to invest "
     "approximately $85 billion in CapEx in 2025, up from a previous estimate of $75 billion.",
     SUPPORTS, "raised-outlook"),
    (_claim(("cloud", "GPU")),  # NVDA_3Q26_presentation.txt
     "The clouds are sold out and our GPU installed base, both new and previous generations, "
     "including Blackwell, Hopper and Ampere is fully utilized.", SUPPORTS, "sold-out"),
    (_claim(("AI infrastructure",)),  # NVDA_3Q26_presentation.txt
     "Demand for AI infrastructure continues to exceed our expectations.", SUPPORTS,
     "demand-exceeds"),
    (_claim(("Azure", "demand")),  # MSFT_2Q26_presentation.txt
     "As mentioned earlier, demand continues to exceed supply, and we will need to continue to "
     "balance the incoming supply we can allocate here against other priorities.", SUPPORTS,
     "demand-exceeds"),
    (_claim(("demand",)),  # AAPL 2016-Apr-26
     "We are currently supply constrained, but we'll be able to work our way out of this at "
     "some point.", SUPPORTS, "supply-constrained"),
    (_claim(("shipments",)),  # NVDA_4Q25.txt: constraints hold the subject back
     "However, Q4 shipments were impacted by supply constraints.", CONTRADICTS,
     "limited-by-supply"),
    (_claim(("gross margin",)),  # MSFT 2018-Jul-19
     "I think we'll see more pressure on gross margin just because the amount of Azure in the "
     "mix at the rate it's growing, we're still not at that point where $1 of gross margin in "
     "the cloud is equivalent to $1 of on-prem.", CONTRADICTS, "pressure-on"),
    (_claim(("App Store",)),  # AAPL_1Q26_qna.txt
     "But third-party data is showing a notable deceleration in App Store growth, maybe 7% in "
     "the December quarter relative to your 14% growth.", CONTRADICTS, "slowing-subject"),
    (_claim(("Trainium",)),  # AMZN_3Q25.txt
     "It's fully subscribed on Trainium2.", SUPPORTS, "fully-subscribed"),
]


@pytest.mark.parametrize(("claim", "sentence", "expected", "rule"), PHRASINGS)
def test_phrase_rules_on_real_sentences(claim: Claim, sentence: str, expected: str,
                                        rule: str) -> None:
    result = MODEL.judge(sentence, claim)
    assert result.stance == expected, result.cues
    assert rule in {c.get("rule") for c in result.cues}, result.cues


def test_upward_pressure_and_raised_outlook_count_against_the_seed_capex_claim() -> None:
    """The seed's capex-burden claim (capex down, hand cues) is contradicted by both, where the
    old rules read "pressure" as a down-word and found no direction near the far cue."""
    claim = LEDGER.claim("capex-burden")
    assert MODEL.judge(UPWARD_CAPEX, claim).stance == CONTRADICTS
    assert MODEL.judge(META_OUTLOOK, claim).stance == CONTRADICTS


def test_terms_only_claim_takes_direction_words_attached_to_its_subject() -> None:
    sentence = ("Google Cloud revenue increased 34% to $15.2 billion, driven by growth in Google "
                "Cloud Platform across core and AI products.")
    assert MODEL.judge(sentence, _claim(("Google Cloud",), "up")).stance == SUPPORTS
    assert MODEL.judge(sentence, _claim(("Google Cloud",), "down")).stance == CONTRADICTS
    # A sentence about something else is no evidence either way.
    assert MODEL.judge(sentence, _claim(("China",), "up")).stance == NEUTRAL


def test_cues_override_terms() -> None:
    seed = LEDGER.claim("manager-cuts")  # cues: managers/layers/... -> down
    with_terms = replace(seed, terms=("Alexa",))
    sentence = "And that means removing layers."
    assert MODEL.judge(sentence, with_terms).cues == MODEL.judge(sentence, seed).cues


def test_the_parse_gives_each_subject_its_own_direction() -> None:
    """AVGO_4Q25_qna.txt: dollars go up, margins go down; the window alone reads both as up."""
    sentence = ("However, overall, the way Hock said it, gross margin dollars will go up, margins "
                "will go down.")
    result = MODEL.judge(sentence, _claim(("margin",), "up"))
    directions = sorted(c["direction"] for c in result.cues)
    assert directions == ["down", "up"] and result.stance == NEUTRAL


def test_negation_and_hedging_on_terms_only_claims() -> None:
    claim = _claim(("Blackwell",), "up")
    plain = MODEL.judge("Blackwell sales increased sharply this quarter.", claim)
    negated = MODEL.judge("Blackwell sales did not increase this quarter.", claim)
    hedged = MODEL.judge("Blackwell sales could increase this quarter.", claim)
    assert (plain.stance, negated.stance, hedged.stance) == (SUPPORTS, CONTRADICTS, SUPPORTS)
    assert hedged.hedged and hedged.weight < plain.weight
    # A negated phrase rule flips too.
    not_sold_out = MODEL.judge("Blackwell is not sold out.", claim)
    assert not_sold_out.stance == CONTRADICTS and not_sold_out.cues[0]["negated"]


def _copy_rules(tmp_path: Path) -> Path:
    copy = tmp_path / "stance.yaml"
    copy.write_text(DEFAULT_RULES.read_text(encoding="utf-8"), encoding="utf-8")
    return copy


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    subject: down\n", "    subject: sideways\n", "is not one of up, down, flat, none"),
    ("  hedged: 0.5", "  hedged: 1.5", "weights.hedged is 1.5"),
    ('pattern: "pressure|pressures on {subject}"', 'pattern: "pressure on {subject} {subject}"',
     "more than one {subject}"),
])
def test_rules_file_errors_name_file_and_line(tmp_path: Path, old: str, new: str,
                                              message: str) -> None:
    path = _copy_rules(tmp_path)
    text = path.read_text(encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_stance_rules(path)
    assert f"{path}:{line}:" in str(info.value) and message in str(info.value)


def test_model_name_follows_the_rules_file(tmp_path: Path) -> None:
    path = _copy_rules(tmp_path)
    model = RuleStance(path)
    before = model.name
    assert before == RuleStance().name  # same rules, same name
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert model.name != before
