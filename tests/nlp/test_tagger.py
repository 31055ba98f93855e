"""Tagging of real sentences read from ../shared, with topics verified by reading them.

Each sentence is taken from its file at test time (never copied into the repo), so a test
fails if the data changes instead of silently testing a paraphrase.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def sentence_from(path: Path, start: str) -> str:
    """The sentence of `path` (HTML tags and entities removed) that begins with `start`."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", raw)))
    index = text.find(start)
    assert index >= 0, f"{start!r} not found in {path}"
    end = re.search(r"[.?!](?=\s|$)", text[index + len(start):])
    stop = index + len(start) + (end.end() if end else 0)
    return text[index:stop].strip()


def _topics(tagger, text: str) -> dict[str, list[str]]:
    tagging = tagger.rule_tag([text])[0]
    found: dict[str, list[str]] = {}
    for mention in tagging.mentions:
        found.setdefault(mention.topic, []).append(mention.text)
    return found


@pytest.mark.parametrize(
    ("file", "start", "expected"),
    [
        ("transcripts/AMZN/AMZN_3Q25_qna.txt", "It's fully subscribed on Trainium2",
         {"trainium", "custom_silicon", "demand"}),
        ("transcripts/AMZN/AMZN_3Q25_qna.txt", "And you saw it first on the CPU side",
         {"trainium", "custom_silicon"}),
        ("transcripts/AMZN/AMZN_3Q25_qna.txt", "Robotics is a very substantial area",
         {"robotics"}),
        ("transcripts/AMZN/AMZN_3Q25_presentation.txt", "Now turning to our cash CapEx",
         {"capex"}),
        ("transcripts/AMZN/AMZN_3Q25_qna.txt", "And then on your headcount question",
         {"headcount"}),
        ("transcripts/AMZN/AMZN_3Q25_qna.txt", "And that means removing layers",
         {"management_layers"}),
        ("transcripts/AMZN/2016-Apr-28-AMZN.txt", "Trailing 12-month free cash flow increased",
         {"free_cash_flow"}),
        ("transcripts/AMZN/2020-Jul-30-AMZN.txt", "So our fixed costs were leveraged",
         {"fixed_vs_variable"}),
        ("transcripts/AMZN/AMZN_4Q25.txt", "AWS is now a $142 billion annualized run rate",
         {"aws_growth", "custom_silicon", "trainium"}),
    ],
)
def test_real_sentences_get_their_topics(tagger, shared_dir: Path, file: str, start: str,
                                         expected: set[str]) -> None:
    text = sentence_from(shared_dir / file, start)
    assert expected <= set(_topics(tagger, text)), text


def test_variants_and_offsets(tagger) -> None:
    text = "Trainium 3, Trn2, Inferentia2 and Inf2 instances run on Graviton4 hosts."
    tagging = tagger.rule_tag([text])[0]
    surfaces = {(m.topic, m.text) for m in tagging.mentions}
    assert {("trainium", "Trainium 3"), ("trainium", "Trn2"), ("inferentia", "Inferentia2"),
            ("inferentia", "Inf2"), ("custom_silicon", "Graviton4")} <= surfaces
    for mention in tagging.mentions:
        assert text[mention.start:mention.end] == mention.text


@pytest.mark.parametrize(
    ("file", "start", "robot"),
    [
        ("edgar/sec-edgar-filings/AMZN/8-K/0001018724-23-000006/full-submission.txt",
         "Reached 1 billion packages handled by Robin", "Robin"),
        ("edgar/sec-edgar-filings/AMZN/8-K/0001018724-24-000006/full-submission.txt",
         "Launched Sequoia", "Sequoia"),
        ("edgar/sec-edgar-filings/AMZN/8-K/0001018724-23-000002/full-submission.txt",
         "Introduced Sparrow", "Sparrow"),
    ],
)
def test_robot_names_in_amazon_releases(tagger, shared_dir: Path, file: str, start: str,
                                        robot: str) -> None:
    text = sentence_from(shared_dir / file, start)
    assert robot in _topics(tagger, text).get("robotics", []), text


@pytest.mark.parametrize(
    ("file", "start"),
    [
        ("edgar/sec-edgar-filings/AMZN/8-K/0001018724-21-000002/full-submission.txt",
         "In the U.S., Prime Video’s exclusive coverage"),  # Arizona Cardinals (football)
        ("edgar/mirror/www.sec.gov/Archives/edgar/data/320193/000032019324000123/"
         "aapl-20240928.htm", "iOS 18, macOS Sequoia"),  # Apple's operating system
        ("edgar/sec-edgar-filings/GOOG/10-K/0001652044-24-000022/primary-document.html",
         "Robin L. Washington"),  # a director's name
    ],
)
def test_ambiguous_names_elsewhere_are_not_robots(tagger, shared_dir: Path, file: str,
                                                  start: str) -> None:
    text = sentence_from(shared_dir / file, start)[:400]
    assert "robotics" not in _topics(tagger, text), text


@pytest.mark.parametrize(
    "text",
    [
        "I saw a robin and a sparrow in the garden this morning.",
        "The startup raised its Series B from Sequoia Capital.",
        "Cardinal Health reported higher drug distribution revenue.",
        "The Toronto Blue Jays won the game.",
        "Vulcan is a planet in Star Trek.",
    ],
)
def test_ambiguous_words_need_robot_context(tagger, text: str) -> None:
    assert "robotics" not in _topics(tagger, text)


def test_layers_of_the_stack_are_not_management_layers(tagger, shared_dir: Path) -> None:
    text = sentence_from(shared_dir / "transcripts/AMZN/AMZN_2Q25.txt",
                         "It's still just earlier stage than it's going to be")
    assert text.endswith("layers of the stack.")
    assert "management_layers" not in _topics(tagger, text)


def test_numbers_come_with_mentions(tagger) -> None:
    tagging = tagger.rule_tag(
        ["Trainium2 is a multibillion-dollar business that grew 150% quarter-over-quarter.",
         "We grew 150% quarter-over-quarter."])
    assert {"text": "150%", "label": "PERCENT"} in tagging[0].numbers
    assert tagging[1].mentions == [] and tagging[1].numbers == []  # ner skipped: no topic


def test_semantic_mention_without_a_term(tagger) -> None:
    from nlp.embedder import encode_texts

    text = "Machines now pick, sort and move most packages in our buildings."
    tagging = tagger.tag([text], encode=encode_texts)[0]
    assert [m.method for m in tagging.mentions if m.topic == "robotics"] == ["semantic"]
    plain = tagger.tag(["Our board meets four times a year."], encode=encode_texts)[0]
    assert plain.topics == []


def _full_topics(tagger, text: str) -> set[str]:
    """Topics as `enrich` stores them: rules, then semantic prototypes on the embedding."""
    from nlp.embedder import encode_texts

    return set(tagger.tag([text], encode=encode_texts)[0].topics)


# Generic topics across companies: each row is (file, sentence start, topics it must have,
# topics it must NOT have). Hard negatives are sentences that share a cue word with a topic.
ACROSS_COMPANIES = [
    # custom_silicon: any company's own chips, never Amazon's product topics
    ("transcripts/META/META_4Q25_presentation.txt", "In Q1, we will extend our MTIA program",
     {"custom_silicon"}, {"inferentia", "trainium"}),
    ("transcripts/MSFT/MSFT_2Q26_presentation.txt",
     "Earlier this week, we brought online our Maia 200", {"custom_silicon"}, {"inferentia"}),
    ("transcripts/GOOG/GOOG_2Q25.txt", "And that's why a growing number, including leading AI",
     {"custom_silicon"}, {"trainium"}),
    ("transcripts/TSLA/TSLA_2Q25.txt", "The AI5 chip will hopefully be in volume production",
     {"custom_silicon"}, {"trainium"}),
    ("transcripts/INTC/2019-Apr-25-INTC.txt", "Non-CPU adjacencies were up 2%",
     set(), {"custom_silicon"}),  # Intel's merchant network ASICs
    ("transcripts/TSLA/TSLA_1Q25.txt", "Certainly, for our in-house cells",
     set(), {"custom_silicon"}),  # batteries made in-house
    # cloud: other providers' growth is cloud_growth, never aws_growth
    ("transcripts/GOOG/GOOG_3Q25.txt", "In Cloud, demand for our products remains high",
     {"cloud_growth", "demand"}, {"aws_growth"}),
    ("transcripts/GOOG/GOOG_3Q25.txt", "Turning to the Google Cloud segment",
     {"cloud_growth", "custom_silicon"}, {"aws_growth", "trainium", "inferentia"}),
    ("transcripts/GOOG/GOOG_2Q25.txt", "Google Cloud backlog increased 18% sequentially",
     {"cloud_growth", "demand"}, {"aws_growth", "cloud_leadership"}),
    ("transcripts/MSFT/MSFT_1Q26_presentation.txt", "In Azure and other Cloud services",
     {"cloud_growth", "demand"}, {"aws_growth"}),
    ("transcripts/ORCL/ORCL_1Q26.txt", "Clearly, it was an excellent quarter and demand for Oracle",
     {"cloud_growth", "demand"}, {"aws_growth", "capex"}),
    ("transcripts/META/META_1Q25.txt", "On the second part of your question, we are -- we are",
     set(), {"aws_growth", "cloud_growth"}),  # AWS and Azure host Llama: no growth
    ("transcripts/NVDA/NVDA_2Q26.txt", "We are also doubling the GeForce NOW catalog",
     set(), {"cloud_growth", "aws_growth"}),  # cloud gaming
    # headcount: hiring, restructuring, flat or growing headcount at any company
    ("transcripts/GOOGL/2018-Jul-23-GOOGL.txt", "Headcount at the end of the quarter was",
     {"headcount"}, set()),
    ("transcripts/INTC/2017-Jan-26-INTC.txt", "Our restructuring plans are on track",
     {"headcount"}, set()),
    ("transcripts/META/META_1Q25.txt", "In the first quarter, the significant majority of the",
     {"headcount"}, set()),
    ("transcripts/TSLA/TSLA_4Q25_qna.txt", "But at our Tesla factory in Fremont",
     {"headcount"}, set()),
    ("transcripts/MU/2018-Dec-18-MU.txt", "As we execute on longer-term growth investments",
     {"headcount"}, set()),
    ("transcripts/AMZN/AMZN_3Q25_presentation.txt", "Excluding the impact of the severance charge",
     {"headcount", "operating_margin"}, set()),
    ("transcripts/AAPL/AAPL_4Q25_presentation.txt", "Capital One has expanded its Mac",
     set(), {"headcount"}),  # a customer's workforce
    ("transcripts/GOOG/GOOG_2Q25.txt", "It's now rolling it out to 100,000 employees",
     set(), {"headcount"}),
    ("transcripts/AAPL/AAPL_4Q25_presentation.txt", "Severance topped all dramas",
     set(), {"headcount"}),  # the TV series
    # gross margin is not operating margin
    ("transcripts/NVDA/NVDA_3Q26_qna.txt", "Remember, earlier this year, we indicated that",
     {"gross_margin"}, {"operating_margin"}),
    ("transcripts/AVGO/AVGO_1Q26.txt", "Gross margin for our Semiconductor Solutions segment",
     {"gross_margin"}, {"operating_margin"}),
]


@pytest.mark.parametrize(("file", "start", "expected", "forbidden"), ACROSS_COMPANIES)
def test_generic_topics_across_companies(tagger, shared_dir: Path, file: str, start: str,
                                         expected: set[str], forbidden: set[str]) -> None:
    text = sentence_from(shared_dir / file, start)
    found = _full_topics(tagger, text)
    assert expected <= found, (text, found)
    assert not forbidden & found, (text, found)


# Context rules (data/topics.yaml `ambiguous`): a term is never its own context, `window`
# keeps the context word near the term, and `exclude` phrases veto it. Each row is a real
# sentence with the topics it must have and the topics it must not have.
CONTEXT_RULES = [
    # export controls: licences and restrictions count only around China/exports/shipments
    ("transcripts/MU/2019-Sep-26-MU.txt", "We have applied for licenses with the Department",
     {"export_controls"}, set()),
    ("transcripts/AMD/2016-Apr-21-AMD.txt", "In light of your IP licensing agreement with THATIC",
     set(), {"export_controls"}),  # an IP licence to a Chinese JV is not an export licence
    ("transcripts/AMZN/2020-Apr-30-AMZN.txt", "And in France, there's been restrictions placed",
     set(), {"export_controls"}),
    # "managers" and "bureaucracy" alone are not management layers
    ("transcripts/NVDA/2020-May-21-NVDA.txt", "And NVIDIA's leadership team are excellent managers",
     set(), {"management_layers"}),
    ("transcripts/TSLA/TSLA_2Q25.txt", "In fact, Kafka had no idea that something like the EU",
     set(), {"management_layers"}),
    ("transcripts/GOOGL/2016-Apr-21-GOOGL.txt", "The vast majority of new hires continue to be",
     {"headcount"}, {"management_layers"}),  # hiring counts by itself; product managers do not
    # operating leverage and fixed-cost absorption, not the verb "leverage"
    ("transcripts/TSM/TSM_3Q25.txt", "Compared to second quarter, our third quarter gross margin",
     {"gross_margin", "fixed_vs_variable"}, set()),
    ("transcripts/AMD/2016-Jan-19-AMD.txt", "With FirePro, we plan to leverage our upcoming",
     set(), {"fixed_vs_variable"}),
    # cloud leadership by superlative; AWS growth needs its context word near "AWS"
    ("transcripts/MSFT/2017-Oct-26-MSFT.txt", "Finally, we continue to invest in making Azure",
     {"cloud_leadership"}, set()),
    ("transcripts/AMZN/2017-Feb-02-AMZN.txt", "And then in terms of the Q1 revenue guidance",
     set(), {"aws_growth"}),
    # shipments to China or Huawei are export controls; Huawei as a PC maker is not
    ("transcripts/NVDA/NVDA_2Q26.txt", "Again, we do not assume any H20 shipments",
     {"export_controls"}, set()),
    ("transcripts/MU/2019-Jun-25-MU.txt", "To ensure compliance, Micron immediately suspended",
     {"export_controls"}, set()),
    ("transcripts/AMD/2019-Jan-29-AMD.txt", "At CES, Acer, Asus, Dell, HP, Huawei",
     set(), {"export_controls"}),
    # a chip maker's "cloud segment" is not a cloud provider's growth; Azure's is
    ("transcripts/INTC/2019-Oct-24-INTC.txt", "Cloud revenue was up 3% year-over-year",
     set(), {"cloud_growth"}),
    ("transcripts/MSFT/2018-Apr-26-MSFT.txt", "Server products and cloud services revenue grew",
     {"cloud_growth"}, set()),
    # "the world's leading companies" counts for cloud leadership only next to a cloud
    ("transcripts/MSFT/2019-Jul-18-MSFT.txt", "The world's leading companies trust Azure",
     {"cloud_leadership"}, {"cloud_growth"}),
    # macro wording without the word "macro"; supply limits are demand's other side
    ("transcripts/AAPL/2016-Jan-26-AAPL.txt", "Notwithstanding these record results",
     {"retail_sales"}, set()),
    ("transcripts/TSLA/TSLA_2Q25.txt", "Given the abrupt change, we have limited supply",
     {"demand"}, set()),
    # delivery speed is cost to serve; "the number of people" is headcount only in a company
    ("transcripts/AMZN/AMZN_3Q25_presentation.txt", "We're also continuing to invest in",
     {"cost_to_serve"}, set()),
    ("transcripts/NVDA/2017-May-09-NVDA.txt", "Well, PC gaming is growing",
     set(), {"headcount"}),
    # "leverage" is operating leverage only with its cost or volume words nearby
    ("transcripts/INTC/2018-Jan-25-INTC.txt", "R&D spending as a percent of revenue was down",
     {"fixed_vs_variable"}, set()),
    ("transcripts/META/META_3Q25_presentation.txt", "The annual run rate of revenue running",
     set(), {"fixed_vs_variable"}),  # "advertisers leverage the performance benefits"
    # cloud leadership in the words of differentiation from other providers, not a tablet's
    # market share (bare praise, "our differentiated approach", is not: test below)
    ("transcripts/ORCL/ORCL_2Q26_presentation.txt", "Our unique combination of infrastructure",
     {"cloud_leadership"}, set()),
    ("transcripts/AMZN/AMZN_3Q25.txt", "It starts with AWS having much broader",
     {"cloud_leadership"}, set()),
    ("transcripts/AAPL/2016-Apr-26-AAPL.txt", "Recent data from NPD indicates",
     set(), {"cloud_leadership"}),
    # AWS growth next to AWS margins is still growth; AWS as the reason for capex is not
    ("transcripts/AMZN/2018-Feb-01-AMZN.txt", "Although not in the North America segment",
     {"aws_growth", "cloud_growth", "operating_margin"}, set()),
    ("transcripts/AMZN/AMZN_2Q25.txt", "AWS continues to be the primary driver as we invest",
     {"demand"}, {"aws_growth", "cloud_growth"}),
    ("transcripts/AMZN/AMZN_2Q25.txt", "Additionally, we continue to invest in our fulfillment",
     {"capex", "cost_to_serve"}, set()),
    # CPU shortages and a customer's digestion are demand; H20 out of the outlook is controls
    ("transcripts/AMD/2019-Jan-29-AMD.txt", "So both the impact of CPU shortages",
     {"demand"}, set()),
    ("transcripts/AMD/2020-Apr-28-AMD.txt", "Because I think your competitors said",
     {"demand"}, set()),
    ("transcripts/NVDA/NVDA_2Q26.txt", "We have not included H20 in our Q3 outlook",
     {"export_controls"}, set()),
    ("transcripts/NVDA/NVDA_3Q26_presentation.txt", "While we were disappointed in the current",
     {"export_controls"}, set()),
    # margin talk ("sales mix shift to Azure"), input-cost inflation and a carmaker's supply
    # chain "regionalization" are not cloud growth, macro or cost to serve
    ("transcripts/MSFT/MSFT_2Q26_presentation.txt", "Gross margin percentage decreased",
     {"gross_margin"}, {"cloud_growth"}),
    ("transcripts/AAPL/AAPL_1Q26_qna.txt", "And b, how do we think about memory inflation",
     set(), {"retail_sales"}),
    ("transcripts/TSLA/TSLA_1Q25.txt", "So, like Elon said, this definitely gives us",
     {"retail_sales"}, {"cost_to_serve"}),
    ("transcripts/AMZN/2019-Apr-25-AMZN.txt", "And I think you had about 100 million items",
     {"cost_to_serve"}, set()),
]


@pytest.mark.parametrize(("file", "start", "expected", "forbidden"), CONTEXT_RULES)
def test_context_rules_on_real_sentences(tagger, shared_dir: Path, file: str, start: str,
                                         expected: set[str], forbidden: set[str]) -> None:
    text = sentence_from(shared_dir / file, start)
    found = set(_topics(tagger, text))
    assert expected <= found, (text, found)
    assert not forbidden & found, (text, found)


def test_learned_head_finds_what_no_rule_names(tagger, shared_dir: Path) -> None:
    """A dev-labelled cost_to_serve sentence with no cost_to_serve term: only the head finds
    it; a plain sentence from the same call stays untagged."""
    from nlp.embedder import encode_texts

    assert tagger.heads is not None and "cost_to_serve" in tagger.heads.thresholds
    call = shared_dir / "transcripts/AMZN/2016-Jan-28-AMZN.txt"
    text = sentence_from(call, "Delivering for free in two hours is difficult and expensive")
    assert "cost_to_serve" not in tagger.rule_tag([text])[0].topics
    tagging = tagger.tag([text], encode=encode_texts)[0]
    head = [m for m in tagging.mentions if m.topic == "cost_to_serve"]
    assert head and head[0].method == "semantic" and head[0].score >= 0.9
    assert tagger.tag(["Our board meets four times a year."], encode=encode_texts)[0].topics == []


def test_praise_without_comparison_is_not_cloud_leadership(tagger, shared_dir: Path) -> None:
    """"differentiated"/"unique" alone are praise, not a position against other providers;
    "the only hyperscale cloud" is."""
    praise = sentence_from(shared_dir / "transcripts/MSFT/2020-Jan-29-MSFT.txt",
                           "Our differentiated approach across the cloud and edge")
    assert "cloud_leadership" not in _topics(tagger, praise)
    only = sentence_from(shared_dir / "transcripts/MSFT/2018-Oct-24-MSFT.txt",
                         "Azure is the only hyperscale cloud that extends to the edge")
    assert "cloud_leadership" in _topics(tagger, only)


def test_shipped_heads_match_the_taxonomy_and_enter_its_digest(tagger) -> None:
    import hashlib

    taxonomy = tagger.taxonomy
    assert taxonomy.heads_path is not None and tagger.heads is not None
    assert set(tagger.heads.topics) <= set(taxonomy.topics)
    assert taxonomy.digest != hashlib.sha256(taxonomy.path.read_bytes()).hexdigest()
