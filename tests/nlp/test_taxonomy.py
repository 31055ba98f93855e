"""The shipped taxonomy is valid and complete; broken files are reported with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtracker.errors import ConfigError
from nlp.taxonomy import load_taxonomy

REQUIRED = {"trainium", "inferentia", "robotics", "capex", "headcount", "custom_silicon",
            "operating_margin", "cost_to_serve", "management_layers", "aws_growth"}


def test_shipped_taxonomy_has_required_topics_and_variants() -> None:
    taxonomy = load_taxonomy()
    assert set(taxonomy.ids()) >= REQUIRED
    robots = set(taxonomy.topics["robotics"].case_terms)
    assert {"Sparrow", "Proteus", "Sequoia", "Robin", "Cardinal", "Vulcan", "Blue Jay"} <= robots
    assert taxonomy.expand("trainium") == ["trainium", "custom_silicon"]
    assert {"trainium", "inferentia", "graviton"} <= taxonomy.versioned_words()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "topics:\n  capex:\n    description: d\n    terms: [capex]\n"
                            "  robots:\n    description: r\n    termz: [robot]\n")
    with pytest.raises(ConfigError,
                       match=r"topics\.yaml:6: topic robots: unknown keys \['termz'\]"):
        load_taxonomy(path)


def test_bad_threshold_and_unknown_implied_topic(tmp_path: Path) -> None:
    bad_threshold = _write(tmp_path, "topics:\n  capex:\n    description: d\n    terms: [capex]\n"
                                     "    semantic:\n      threshold: 3\n      prototypes: [x]\n")
    with pytest.raises(ConfigError, match=r":6: semantic.threshold 3 must be a number in \(0, 1\]"):
        load_taxonomy(bad_threshold)
    bad_implies = _write(tmp_path, "topics:\n  trainium:\n    description: d\n    terms: [Trn2]\n"
                                   "    implies: [chips]\n")
    with pytest.raises(ConfigError, match="implies unknown topic 'chips'"):
        load_taxonomy(bad_implies)


def test_ambiguous_term_must_be_declared_and_yaml_errors_have_lines(tmp_path: Path) -> None:
    undeclared = _write(tmp_path,
                        "topics:\n  robotics:\n    description: d\n    terms: [robot]\n"
                        "    ambiguous:\n      - terms: [Robin]\n        require: [robot]\n")
    with pytest.raises(ConfigError, match=r"ambiguous terms \['Robin'\] are not in its terms"):
        load_taxonomy(undeclared)
    broken = _write(tmp_path, "topics:\n  capex:\n    terms: [capex\n")
    with pytest.raises(ConfigError, match=r"topics\.yaml:\d+: not valid YAML"):
        load_taxonomy(broken)


def test_generic_topics_and_product_topics_imply_them() -> None:
    taxonomy = load_taxonomy()
    assert {"cloud_growth", "gross_margin", "export_controls"} <= set(taxonomy.ids())
    assert taxonomy.expand("aws_growth") == ["aws_growth", "cloud_growth"]
    # Amazon's product topics match their names only: no prototypes that catch other chips
    assert taxonomy.topics["trainium"].semantic is None
    assert taxonomy.topics["inferentia"].semantic is None


def test_a_phrase_belongs_to_one_topic(tmp_path: Path) -> None:
    twice = _write(tmp_path, "topics:\n  aws_growth:\n    description: d\n    terms: [AWS]\n"
                             "  cloud_growth:\n    description: c\n    terms: [Azure, aws]\n")
    with pytest.raises(ConfigError, match=r"topics\.yaml:6: topic cloud_growth: 'aws' is already "
                                          r"a term of topic aws_growth"):
        load_taxonomy(twice)
    case_only = _write(tmp_path, "topics:\n  robotics:\n    description: d\n"
                                 "    case_terms: [Cobalt]\n"
                                 "  metals:\n    description: m\n    case_terms: [COBALT]\n")
    assert set(load_taxonomy(case_only).ids()) == {"robotics", "metals"}


def test_a_term_is_not_its_own_context_and_window_keeps_context_near() -> None:
    from nlp.taxonomy import ContextRule

    rule = ContextRule(terms=("managers",), require=("managers", "layers"))
    text = "NVIDIA's leadership team are excellent managers."
    span = (text.index("managers"), text.index("managers") + len("managers"))
    assert rule.accepts(text)  # without the span the term finds itself (the old behaviour)
    assert not rule.accepts(text, span)
    text = "We removed layers and have fewer managers."
    start = text.index("managers")
    assert rule.accepts(text, (start, start + len("managers")))

    near = ContextRule(terms=("AWS",), require=("growth",), window=3)
    close = "AWS growth accelerated this quarter."
    far = "AWS is where customers run workloads, and separately we saw strong advertising growth."
    assert near.accepts(close, (0, 3))
    assert not near.accepts(far, (0, 3))
    assert ContextRule(terms=("AWS",), require=("growth",)).accepts(far, (0, 3))


def test_bad_window_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "topics:\n  aws_growth:\n    description: d\n    terms: [AWS]\n"
                            "    ambiguous:\n      - terms: [AWS]\n        require: [growth]\n"
                            "        window: twelve\n")
    with pytest.raises(ConfigError, match=r"topics\.yaml:6: ambiguous.window 'twelve' must be"):
        load_taxonomy(path)


def test_a_rule_in_the_same_case_wins(tmp_path: Path) -> None:
    """"Cloud" (a segment name) and "cloud" (any use) may need different context."""
    path = _write(tmp_path, "topics:\n  cloud_growth:\n    description: d\n"
                            "    terms: [cloud]\n    case_terms: [Cloud]\n"
                            "    ambiguous:\n      - terms: [Cloud]\n        require: [revenue]\n"
                            "      - terms: [cloud]\n        require: [growth]\n"
                            "        window: 2\n")
    topic = load_taxonomy(path).topics["cloud_growth"]
    assert topic.context_rule("Cloud").require == ("revenue",)
    assert topic.context_rule("cloud").require == ("growth",)
    assert topic.context_rule("CLOUD").require == ("revenue",)  # no exact match: first rule
