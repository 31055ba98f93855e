"""Whose claim a Korean sentence makes, and Korean business phrasing that is checkable.

Korean marks the subject with a particle, also on the owner of the subject phrase ("알파벳의
매출 증가율은 인텔을 크게 앞섭니다": Alphabet's claim, though Intel is named twice); a sentence
whose subject is the company itself, unnamed ("회사는 ... 아마존과 마이크로소프트를 따라잡기
위해 ..."), names other companies only as objects, so its paragraph's company decides
(claims/asides.korean_subject_first, data/extraction.yaml `cues.self_subject`). Leaving a
business ("손을 떼기로"), a shortage easing ("풀렸고") and a service's passengers and fares are
checkable business language (data/extraction.yaml).
"""

from __future__ import annotations

from claims.asides import korean_subject_first
from claims.checkworthy import check_worthiness
from claims.companies import resolve_companies
from claims.direction import guess_direction
from claims.extract import propose_claims
from claims.sentences import Sentence


def _first(text: str) -> list[str]:
    return [m.ticker for m in korean_subject_first(text, resolve_companies(text))]


def test_the_owner_of_the_subject_phrase_is_the_subject() -> None:
    text = ("결국 PC와 서버 경기에 따라 실적이 출렁이는 인텔과 비교해 보면, 성장 속도만 놓고 볼 때 "
            "알파벳의 매출 증가율은 인텔을 크게 앞섭니다.")
    assert _first(text)[0] == "GOOGL"
    # an object between the owner and the subject: the owner is no subject ("A의 칩을 만드는 B는")
    assert _first("엔비디아의 칩을 만드는 TSMC는 증설을 서두르고 있습니다.")[0] == "TSM"
    # the topic (은/는) is the main clause's subject, 이/가 in a clause before it is not
    assert _first("애플과 퀄컴이 오랜 특허 분쟁을 끝내고 화해한 바로 그날, 인텔은 수익성이 보이지 "
                  "않던 5G 스마트폰 모뎀 사업에서 손을 떼기로 했습니다.")[0] == "INTC"
    # "주가" is no 주 + 가: the stock price is no subject phrase of Apple's here
    assert _first("애플의 주가 흐름과 달리 엔비디아는 강합니다.")[0] == "NVDA"


def test_the_company_itself_as_subject_leaves_named_objects_aside() -> None:
    text = ("회사는 클라우드 쪽에서 기술직과 영업직을 가장 많이 뽑고 있고, "
            "아마존과 마이크로소프트를 따라잡기 위해 클라우드 영업 인력을 몇 년 안에 "
            "세 배로 늘리겠다는 계획도 내놓았습니다.")
    assert _first(text) == []
    article = ("구글 점검\n2019년 5월 10일\n\n구글 클라우드는 빠르게 크고 있습니다. " + text + "\n")
    drafts = propose_claims(text=article)
    hiring = [c for c in drafts if "영업 인력" in c["quote"]]
    assert hiring and hiring[0]["ticker"] in {"GOOGL", "GOOG"}, \
        [(c["ticker"], c["quote"]) for c in drafts]


def test_korean_business_phrasing_is_checkable() -> None:
    exit_ = ("애플과 퀄컴이 오랜 특허 분쟁을 끝내고 화해한 바로 그날, 인텔은 수익성이 보이지 않던 "
             "5G 스마트폰 모뎀 사업에서 손을 떼기로 했습니다.")
    eased = ("작년 내내 PC 제조사들의 발목을 잡았던 PC용 CPU 공급 부족은 이제 대부분 풀렸고, "
             "하반기에는 수급이 균형을 되찾는다는 게 회사 설명입니다.")
    rides = ("기타 사업(Other Bets) 중에서는 Waymo가 이미 피닉스에서 운전자 없는 로보택시로 요금을 "
             "받고 일반 승객을 태우고 있습니다.")
    for text, companies in ((exit_, ["INTC", "AAPL", "QCOM"]), (eased, []), (rides, ["GOOGL"])):
        worth = check_worthiness(Sentence(text, 1), companies=companies)
        assert worth.checkable and "business" in worth.reasons, (text, worth)
    assert guess_direction(exit_) == "down"
    assert guess_direction(eased) == "up"  # supply catching up, as the shortage words read
