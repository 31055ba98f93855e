"""The metric catalogue (data/metrics.yaml): validation with file:line, alias lookup, concepts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claimtracker.errors import ConfigError
from claimtracker.metric_catalog import DEFAULT_CATALOG, load_catalog

ARTICLE = Path(__file__).resolve().parents[2].parent / "shared" / "articles" / \
    "amazon-next-cycle.ko.txt"

GOOD = """\
metrics:
  - id: revenue
    label: Revenue
    kind: flow
    unit: USD
    aliases: {en: [revenue, sales], ko: [매출]}
    concepts: [us-gaap:Revenues]
  - id: capex
    label: Capex
    kind: flow
    unit: USD
    aliases: {en: [capex]}
    concepts: [us-gaap:PaymentsToAcquirePropertyPlantAndEquipment, acme:CapitalSpending]
  - id: capex_intensity
    label: Capex intensity
    kind: ratio
    unit: ratio
    aliases: {en: [capex intensity], ko: [설비투자 비율]}
    formula: capex / revenue
"""


def _write(tmp_path: Path, text: str, name: str = "metrics.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_catalogue_defines_base_derived_and_segment_metrics() -> None:
    catalog = load_catalog()
    ids = set(catalog.ids())
    assert {"revenue", "cost_of_revenue", "gross_profit", "operating_income", "net_income",
            "capex", "operating_cash_flow", "rd_expense", "employees", "gross_margin",
            "operating_margin", "operating_leverage", "capex_intensity", "free_cash_flow",
            "rd_share"} <= ids
    margin = catalog.get("gross_margin")
    assert (margin.kind, margin.change, margin.inputs) == ("ratio", "points",
                                                           ("gross_profit", "revenue"))
    assert catalog.get("free_cash_flow").inputs == ("operating_cash_flow", "capex")
    cloud = catalog.get("cloud_revenue")
    assert cloud.is_segment and cloud.concepts == catalog.get("revenue").concepts
    assert "amzn:AmazonWebServicesSegmentMember" in catalog.members("cloud_revenue", "amzn")
    assert catalog.members("data_center_revenue", "NVDA")[0] == "nvda:DataCenterMember"
    assert "영업이익률" in catalog.get("operating_margin").all_aliases()
    with pytest.raises(ConfigError, match="unknown metric 'ebitda'"):
        catalog.get("ebitda")


def test_find_in_korean_and_english() -> None:
    catalog = load_catalog()
    cases = {
        "AI 시스템을 통해 ... 곧 영업이익률(OPM)의 폭발적 개선을 의미합니다.": "operating_margin",
        "매출총이익률이 3분기 연속 개선됐다": "gross_margin",
        "Gross margin expanded 120 basis points": "gross_margin",
        "천문학적인 투자 비용(Capex)에 대한 우려": "capex",
        "설비투자를 줄였다": "capex",
        "엔비디아의 데이터센터 매출이 두 배가 됐다": "data_center_revenue",
        "Google Cloud grows faster than AWS": "cloud_revenue",
        "the capex burden lies with the peers, not Amazon": "capex_intensity",
        "free cash flow turned positive": "free_cash_flow",
        "매출이 정체되더라도": "revenue",
        "software development costs": None,  # no "OPM" inside "development"
        "The weather was fine": None,
    }
    for text, expected in cases.items():
        assert catalog.find(text) == expected, text
    # A sentence of the seed article itself.
    article = ARTICLE.read_text(encoding="utf-8")
    line = next(x for x in article.splitlines() if "영업이익률" in x)
    assert catalog.find(line) == "operating_margin"


def test_concepts_including_company_extensions(tmp_path: Path) -> None:
    catalog = load_catalog(_write(tmp_path, GOOD))
    assert catalog.concept_metric("us-gaap:Revenues") == "revenue"
    assert catalog.concept_metric("acme:CapitalSpending", "acme") == "capex"
    assert catalog.concept_metric("acme:CapitalSpending", "other") is None
    assert catalog.concept_rank("acme:CapitalSpending") == 1
    assert catalog.concept_rank("us-gaap:NetIncomeLoss") == 99
    assert catalog.base_ids() == ["revenue", "capex"]
    shipped = load_catalog()
    assert shipped.concept_metric("amzn:TechnologyAndInfrastructureExpense", "amzn") == \
        "rd_expense"


@pytest.mark.parametrize(("old", "new", "line", "message"), [
    ("    kind: ratio\n", "    kind: percentage\n", 14, "kind 'percentage' is not one of"),
    ("formula: capex / revenue", "formula: capex / sales_total", 14,
     "formula uses unknown metric 'sales_total'"),
    ("formula: capex / revenue", "formula: __import__('os')", 14, "formula"),
    ("acme:CapitalSpending]", "us-gaap:Revenues]", 8, "already belongs to revenue"),
    ("aliases: {en: [capex]}", "aliases: {en: [sales]}", 8, "alias 'sales' already names"),
    ("    unit: ratio\n", "    unit: percent\n", 14, "unit 'percent'"),
    ("  - id: capex\n", "  - id: Capex\n", 8, "lower_snake_case"),
])
def test_validation_errors_name_file_and_line(tmp_path: Path, old: str, new: str, line: int,
                                              message: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError) as err:
        load_catalog(path)
    assert f"{path}:{line}:" in str(err.value) and message in str(err.value)


def test_formula_loops_and_bad_yaml(tmp_path: Path) -> None:
    looped = GOOD.replace("concepts: [us-gaap:Revenues]", "formula: capex_intensity * 2")
    looped = looped.replace("    kind: flow\n    unit: USD\n    aliases: {en: [revenue",
                            "    kind: derived\n    unit: USD\n    aliases: {en: [revenue", 1)
    with pytest.raises(ConfigError, match=r"formulas loop: revenue -> capex_intensity -> revenue"):
        load_catalog(_write(tmp_path, looped, "loop.yaml"))
    broken = _write(tmp_path, GOOD.replace("aliases: {en: [capex]}", "aliases: {en: [capex]"),
                    "broken.yaml")
    with pytest.raises(ConfigError, match=rf"{broken}:\d+: not valid YAML"):
        load_catalog(broken)
    with pytest.raises(ConfigError, match="cannot read the metric catalogue"):
        load_catalog(tmp_path / "missing.yaml")


def test_reloaded_when_the_file_changes(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    first = load_catalog(path)
    assert load_catalog(path) is first  # parsed once per file version
    path.write_text(GOOD.replace("[capex intensity]", "[capex intensity, capex burden]"),
                    encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert load_catalog(path).find("the capex burden") == "capex_intensity"
    assert DEFAULT_CATALOG.name == "metrics.yaml"
