"""Vega-Lite specs of the charts as plain dicts: the app draws them with st.vega_lite_chart,
reports render the same specs to SVG offline (vl-convert).

Altair builds the same JSON, but importing it takes ~0.2 s and it validates every spec
against the Vega-Lite schema: on a cold server that delays the Claims page, the first page
a user sees. Our charts are few and small (fiscal quarters on x, one measure on y), so the
specs are written out here; the data stays a separate argument, as with Altair.
"""

from __future__ import annotations

from typing import Any

Spec = dict[str, Any]

QUARTER_AXIS_TITLE = "Fiscal quarter"


def tip(field: str, kind: str = "nominal", fmt: str | None = None) -> Spec:
    """A tooltip entry; `kind` is a Vega-Lite type (nominal, quantitative)."""
    entry: Spec = {"field": field, "type": kind}
    if fmt:
        entry["format"] = fmt
    return entry


def by_quarter(*, mark: str, y: str, y_title: str, title: str, quarters: list[str],
               tooltip: list[Spec], y_domain: tuple[float, float] | None = None,
               colour: Spec | None = None, line_colour: str | None = None) -> Spec:
    """A bar or line (with points) chart of one measure per fiscal quarter, in `quarters` order."""
    mark_spec: Spec = {"type": mark}
    if mark == "line":
        mark_spec["point"] = True
    if line_colour:
        mark_spec["color"] = line_colour
    y_spec: Spec = {"field": y, "type": "quantitative", "title": y_title}
    if y_domain:
        y_spec["scale"] = {"domain": list(y_domain)}
    encoding: Spec = {
        "x": {"field": "quarter", "type": "nominal", "sort": quarters,
              "title": QUARTER_AXIS_TITLE},
        "y": y_spec,
        "tooltip": tooltip,
    }
    if colour:
        encoding["color"] = colour
    return {"title": title, "mark": mark_spec, "encoding": encoding}


def category_colours(field: str, colours: dict[str, str], title: str) -> Spec:
    """Colour by a category with fixed colours (e.g. verdicts)."""
    return {"field": field, "type": "nominal", "title": title,
            "scale": {"domain": list(colours), "range": list(colours.values())}}


def heatmap(*, x: str, y: str, value: str, x_order: list[str], y_order: list[str],
            title: str, value_title: str, tooltip: list[Spec], scheme: str = "orangered",
            row_height: int = 26) -> Spec:
    """A rect heatmap: one row per `y` category, one column per `x` category."""
    return {
        "title": title,
        "height": {"step": row_height},
        "mark": {"type": "rect"},
        "encoding": {
            "x": {"field": x, "type": "nominal", "sort": x_order, "title": QUARTER_AXIS_TITLE},
            "y": {"field": y, "type": "nominal", "sort": y_order, "title": None,
                  "axis": {"labelLimit": 240}},
            "color": {"field": value, "type": "quantitative", "title": value_title,
                      "scale": {"scheme": scheme}},
            "tooltip": tooltip,
        },
    }


def peers(*, y: str, y_title: str, title: str, quarters: list[str], tooltip: list[Spec],
          y_format: str | None = None) -> Spec:
    """One line per company over calendar quarters (the peer view's chart)."""
    y_spec: Spec = {"field": y, "type": "quantitative", "title": y_title}
    if y_format:
        y_spec["axis"] = {"format": y_format}
    return {
        "title": title,
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "calendar_quarter", "type": "nominal", "sort": quarters,
                  "title": "Calendar quarter (in which each fiscal quarter ends)"},
            "y": y_spec,
            "color": {"field": "ticker", "type": "nominal", "title": "Company"},
            "tooltip": tooltip,
        },
    }
