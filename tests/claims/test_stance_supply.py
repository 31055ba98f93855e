"""A shortage claim against Micron's own words on supply (data/stance.yaml phrase rules).

"DRAM 공급 부족이 올해 내내 이어질 것" (the DRAM shortage lasts all year) drafts with the
subject "supply constrained": that subject is the constraint, which rises when supply falls
short, so "tight supply" and "undersupplied" support it and "oversupply" contradicts it. A
claim about supply itself keeps the opposite reading."""

from __future__ import annotations

from shared_text import shared_sentence

from claims.ledger import Claim
from claims.stance import CONTRADICTS, SUPPORTS, RuleStance

MODEL = RuleStance()
SHORTAGE = Claim("mu-dram-tight", "마이크론 쪽은 메모리 슈퍼사이클이 현재진행형이라, 경영진은 "
                 "DRAM 공급 부족과 가격 강세가 올해 내내 이어질 것으로 보고 있습니다.",
                 terms=("DRAM", "supply constrained", "constrained", "memory", "price"),
                 kind="narrative", direction="up", horizon="forecast")
SUPPLY_UP = Claim("supply-up", "NVIDIA says supply is improving every quarter.",
                  terms=("supply",), kind="narrative", direction="up")


def test_tight_supply_and_undersupply_support_a_shortage_claim() -> None:
    tight = shared_sentence("MU/2018-Mar-22-MU.txt", "Operating income increased to $2.3 billion "
                            "or 63% of revenue, and reflects higher sales of our 1X nanometer DRAM "
                            "solutions, along with tight supply conditions.")
    under = shared_sentence("MU/2017-Sep-26-MU.txt", "Moving on to the demand and supply "
                            "fundamentals, we expect the industry to remain moderately "
                            "undersupplied for the rest of 2017 for both DRAM and NAND.")
    for sentence in (tight, under, "We expect DRAM supply to remain tight through 2018."):
        result = MODEL.judge(sentence, SHORTAGE)
        assert result.stance == SUPPORTS, (sentence, result.cues)
    assert MODEL.judge("We remain supply constrained in DRAM.", SHORTAGE).stance == SUPPORTS


def test_oversupply_contradicts_it_and_supply_claims_read_the_other_way() -> None:
    glut = shared_sentence("MU/2019-Jun-25-MU.txt", "So as you said, the industry is in "
                           "oversupply right now, both in DRAM as well as in NAND.")
    assert MODEL.judge(glut, SHORTAGE).stance == CONTRADICTS
    assert MODEL.judge("We remain supply constrained.", SUPPLY_UP).stance == CONTRADICTS


def test_a_synonym_does_not_turn_a_shortage_claim_into_a_sell_out_event() -> None:
    """The glossary lists "supply constrained" beside "sold out" (search recall); the stance
    must not then ask every sentence to say "sold out" before it counts."""
    from claims.evidence import stance_claim
    from claims.stance_rules import load_stance_rules
    from claims.stance_subjects import event_of

    rules = load_stance_rules()
    seen = stance_claim(SHORTAGE)
    assert "supply constrained" in seen.terms and "sold out" not in seen.terms
    assert event_of(seen, rules) is None
    sold = Claim("sold-out", "엔비디아의 블랙웰은 내년 물량까지 완판됐습니다.",
                 terms=("Blackwell",),
                 kind="narrative", direction="up")
    assert event_of(stance_claim(sold), rules) is not None  # its own words name the event
    tight = shared_sentence("MU/2018-Mar-22-MU.txt", "Operating income increased to $2.3 billion "
                            "or 63% of revenue, and reflects higher sales of our 1X nanometer DRAM "
                            "solutions, along with tight supply conditions.")
    assert MODEL.judge(tight, seen).stance == SUPPORTS
