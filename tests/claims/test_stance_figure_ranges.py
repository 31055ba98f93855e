"""Figures a claim states as a range or in two Korean units (claims/stance_figures.py), met by
Micron's own sentences.

"설비투자를 90억~95억 달러로 잡아, 기존 계획보다 12억 5천만 달러가량 줄이기로" gives a range
($9-9.5 billion), met by any figure in it ("approximately $9 billion" six months later), and a
cut of 12억 5천만 = $1.25 billion, one number written in two units."""

from __future__ import annotations

from shared_text import shared_sentence

from claims.stance_figures import claim_figures, figures_met
from claims.stance_rules import load_stance_rules

RULES = load_stance_rules()
CAPEX = ("결국 마이크론은 2019 회계연도 설비투자(CapEx)를 90억~95억 달러로 잡아, 기존 계획보다 "
         "12억 5천만 달러가량 줄이기로 했다.")


def test_a_range_and_a_two_unit_amount_are_read_whole() -> None:
    figures = claim_figures(CAPEX, RULES)
    assert [(f.value, f.high, f.bound) for f in figures] == [
        (9.0e9, 9.5e9, "range"), (1.25e9, None, None)]
    meta = claim_figures("Meta expects capex of $66 billion to $72 billion in 2025.", RULES)
    assert [(f.value, f.high) for f in meta] == [(66e9, 72e9)]
    moved = claim_figures("Capex jumped from $75 billion to $90 billion.", RULES)
    assert all(f.bound != "range" for f in moved)  # from ... to: a change, not a range


def test_micron_states_the_range_then_a_figure_inside_it() -> None:
    figures = claim_figures(CAPEX, RULES)
    lowered = shared_sentence("MU/2018-Dec-18-MU.txt", "Given the weaker near-term outlook, we "
                              "are lowering our CapEx plans to a range of $9 billion to $9.5 "
                              "billion for fiscal 2019.")
    cut = shared_sentence("MU/2018-Dec-18-MU.txt", "At the midpoint, this represents a $1.25 "
                          "billion reduction from our prior guidance, and our front-end "
                          "equipment CapEx is now down year-on-year.")
    later = shared_sentence("MU/2019-Jun-25-MU.txt", "We still expect fiscal 2019 CapEx at "
                            "approximately $9 billion.")
    assert figures_met(lowered, figures, RULES) == [0]
    assert figures_met(cut, figures, RULES) == [1]
    assert figures_met(later, figures, RULES) == [0]
    assert figures_met("We now expect fiscal 2019 CapEx of $8 billion.", figures, RULES) == []
    # a guided percentage range is met inside it only: 38.5% is no "between 39% and 40%"
    guide = claim_figures("For the March quarter, management guided gross margin up to between "
                          "39% and 40%, the highest level in years.", RULES)
    assert [(f.value, f.high) for f in guide] == [(39.0, 40.0)]
    assert figures_met("Gross margin was 38.5%.", guide, RULES) == []
    assert figures_met("Gross margin was 39.4%.", guide, RULES) == [0]
