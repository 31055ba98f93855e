"""The catalogue's `headline:` owns the list of headline metrics (Metrics page, scorer quarters)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtracker.errors import ConfigError
from claimtracker.metric_catalog import DEFAULT_CATALOG, load_catalog


def test_shipped_headline_names_reported_metrics_in_order() -> None:
    catalog = load_catalog()
    assert catalog.headline[:2] == ("revenue", "operating_income")
    for metric_id in catalog.headline:
        assert catalog.get(metric_id).concepts and not catalog.get(metric_id).is_segment


@pytest.mark.parametrize("headline, problem", [
    ("[revenue, no_such_metric]", "'no_such_metric'"),
    ("[revenue, operating_margin]", "'operating_margin'"),  # a formula has no own concepts
])
def test_a_bad_headline_names_file_and_line(tmp_path: Path, headline: str, problem: str) -> None:
    text = DEFAULT_CATALOG.read_text(encoding="utf-8")
    lines = text.splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith("headline:")]
    lines[at] = f"headline: {headline}"
    path = tmp_path / "metrics.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"{path}:{at + 1}: headline: {problem}"):
        load_catalog(path)


def test_without_headline_every_reported_base_metric_is_one(tmp_path: Path) -> None:
    text = "\n".join(line for line in DEFAULT_CATALOG.read_text(encoding="utf-8").splitlines()
                     if not line.startswith("headline:"))
    path = tmp_path / "metrics.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.headline == tuple(catalog.base_ids())
