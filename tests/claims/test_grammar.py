"""Korean particles, coordinating words and percent words are data (data/grammar.yaml).

The rules that decide whose claim a Korean sentence makes read the particle lists from the
file: an edit there changes the subject they pick, and a broken file is an error that names
the file and the line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import claims.grammar
from claims.asides import korean_subject_first
from claims.companies import resolve_companies
from claims.grammar import DEFAULT_GRAMMAR, load_grammar
from claimtracker.errors import ConfigError

MODEM_EXIT = ("애플과 퀄컴이 오랜 특허 분쟁을 끝내고 화해한 바로 그날, 인텔은 수익성이 보이지 "
              "않던 5G 스마트폰 모뎀 사업에서 손을 떼기로 했습니다.")


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_GRAMMAR.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "grammar.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _first(text: str) -> str:
    return korean_subject_first(text, resolve_companies(text))[0].ticker


def test_the_topic_particles_in_the_file_decide_the_main_subject(tmp_path, monkeypatch) -> None:
    assert _first(MODEM_EXIT) == "INTC"  # 인텔은: the topic-marked name is the main clause's
    path = _edited(tmp_path, "topic_particles: [은, 는, 도]", "topic_particles: [는, 도]")
    monkeypatch.setattr(claims.grammar, "DEFAULT_GRAMMAR", path)
    # 은 is now only a subject particle, like 이: the first marked name (퀄컴이) is taken
    assert _first(MODEM_EXIT) == "QCOM"


def test_percent_words_and_coordination_come_from_the_file() -> None:
    grammar = load_grammar()
    assert "퍼센트" in grammar.percent_words and "와" in grammar.coordination
    assert grammar.coordinated.match(" 및 ") and not grammar.coordinated.match(" 대비 ")
    assert grammar.particles[0] == grammar.possessive == "의"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("topic_particles: [은, 는, 도]", "topic_particles: [은, 는, 도, 를]",
     r"korean.topic_particles \['를'\] are not in subject_particles"),
    ("possessive_particle: 의", "possessive_particle: [의]", "`possessive_particle` must be one"),
    ("percent: [percent, 퍼센트]", "percents: [percent, 퍼센트]",
     r"unknown key\(s\) \['percents'\]"),
])
def test_a_broken_file_names_the_file_and_line(tmp_path, old: str, new: str,
                                               message: str) -> None:
    path = _edited(tmp_path, old, new)
    with pytest.raises(ConfigError, match=message) as caught:
        load_grammar(path)
    assert str(caught.value).startswith(f"{path}:")


def test_figure_units_are_extraction_data(tmp_path) -> None:
    """A number with a unit of `cues.figure_unit` (data/extraction.yaml) is a figure: "2위"
    ("ranked second") counts until 위 is taken out of the file."""
    from claims.checkworthy import check_worthiness
    from claims.extraction_rules import DEFAULT_RULES, load_extraction_rules
    from claims.sentences import Sentence

    sentence = Sentence("엔비디아는 데이터센터 시장에서 2위로 올라섰습니다.", line=1)
    assert "number" in check_worthiness(sentence).reasons
    text, units = DEFAULT_RULES.read_text(encoding="utf-8"), "ko: [배, 조, 억, 만, 위, 분기, 년]"
    assert units in text
    edited = tmp_path / "extraction.yaml"
    edited.write_text(text.replace(units, units.replace(" 위,", "")), encoding="utf-8")
    rules = load_extraction_rules(edited)
    assert "number" not in check_worthiness(sentence, rules=rules).reasons


def test_a_noun_standing_for_the_name_carries_its_topic() -> None:
    """"마이크론 쪽은 ..., 경영진은 DRAM ...": Micron is the topic through 쪽 (standing_nouns),
    so the unnamed 경영진은 is Micron's management, not the paragraph before's company."""
    text = ("마이크론 쪽은 메모리 호황이 이어지고 있어서, 경영진은 DRAM 공급 부족이 올해 내내 "
            "계속될 것으로 보고 있습니다.")
    assert [m.ticker for m in korean_subject_first(text, resolve_companies(text))] == ["MU"]


def test_a_partner_named_with_hamkke_is_not_the_subject() -> None:
    """"인텔과 함께 개발한 3D XPoint도 ... 마이크론 자체 브랜드로": the partner goes last."""
    text = ("인텔과 함께 개발한 차세대 메모리 3D XPoint는 내년에 마이크론 자체 브랜드 제품으로도 "
            "출시될 예정입니다.")
    assert _first(text) == "MU"


def test_the_company_itself_as_topic_outranks_a_customer_marked_as_subject() -> None:
    """"바이두와 마이크로소프트 애저가 EPYC 도입을 발표했고 회사는 ...": Microsoft is the
    customer of an earlier clause (가), the topic 회사는 is the paragraph's company: [] lets
    the paragraph decide. Without 회사는 the marked customer stays the subject."""
    text = ("바이두와 마이크로소프트 애저가 EPYC 채택을 발표했고 회사는 연말까지 서버 점유율을 "
            "두 자릿수로 높이겠다고 밝혔습니다.")
    assert korean_subject_first(text, resolve_companies(text)) == []
    plain = "마이크로소프트 애저가 EPYC 채택을 발표했습니다."
    assert _first(plain) == "MSFT"


def test_a_korean_prospective_modifier_is_a_forecast(tmp_path) -> None:
    """"줄어들 것이라고 경고했습니다" (will fall, it warned) looks ahead; "늘어난 것으로
    나타났다" (turned out to have grown) does not: the final consonant of the verb decides
    (grammar.yaml prospective_final), and a file naming no final consonant is refused."""
    from claims.extraction_rules import load_extraction_rules
    from claims.timeframe import is_forecast

    rules = load_extraction_rules()
    assert is_forecast("게임기 칩의 비수기 탓에 4분기 매출은 15% 안팎 줄어들 것이라고 "
                       "회사가 경고했습니다.", rules)
    assert not is_forecast("데이터센터 매출은 전년보다 크게 늘어난 것으로 나타났습니다.", rules)
    with pytest.raises(ConfigError, match="prospective_final"):
        load_grammar(_edited(tmp_path, "prospective_final: ㄹ", "prospective_final: 을"))
