"""The app's display language: every label it writes comes from data/ui_labels.yaml via `t()`.

English is the default; `?lang=ko` in a URL (so a shared link keeps the language) or the
sidebar switch in app_pages/shell.py picks Korean for the rest of the session. Only the
app's own words are translated: quotes, sentences, speakers, tickers and figures are data
and stay as they are. The label file is validated on load (file:line): every key has every
language, no empty text, the same {placeholders} in each language.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE, load_versioned, load_yaml

LABELS_FILE = REPO_DATA_DIR / "ui_labels.yaml"
#: language code -> its name in its own language (the sidebar switch shows these)
LANGUAGES = {"en": "English", "ko": "한국어"}
DEFAULT = "en"
PARAM = "lang"  # the URL query parameter
STATE = "_ui_language"  # the session-state key

Labels = dict[str, dict[str, str]]


def _fields(text: str) -> set[str]:
    """The {placeholder} names of a format string ("{n:,} hits" -> {"n"})."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _line_of(raw_bytes: bytes, key: Any) -> int | str:
    """The line where `key:` is written (a scalar has no line mark of its own)."""
    for number, line in enumerate(raw_bytes.decode("utf-8", "replace").splitlines(), start=1):
        if line.strip().startswith(f"{key}:"):
            return number
    return "?"


def _parse(path: Path, raw_bytes: bytes) -> Labels:
    raw = load_yaml(raw_bytes, path)
    if not isinstance(raw, dict) or not isinstance(raw.get("labels"), dict):
        raise ConfigError(f"{path}: expected `labels:` mapping each key to "
                          "{en: ..., ko: ...}; restore data/ui_labels.yaml from the repo.")
    labels: Labels = {}
    for key, entry in raw["labels"].items():
        if key == LINE:
            continue
        line = entry.get(LINE) if isinstance(entry, dict) else _line_of(raw_bytes, key)
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}:{line}: label `{key}` must be {{en: ..., ko: ...}}, "
                              f"got {entry!r}.")
        langs = {str(k) for k in entry if k != LINE}
        if langs != set(LANGUAGES):
            raise ConfigError(
                f"{path}:{line}: label `{key}` must have exactly the languages "
                f"{', '.join(LANGUAGES)}; missing {sorted(set(LANGUAGES) - langs)}, "
                f"unknown {sorted(langs - set(LANGUAGES))}.")
        texts = {lang: entry[lang] for lang in LANGUAGES}
        for lang, text in texts.items():
            if not isinstance(text, str) or not text.strip():
                raise ConfigError(f"{path}:{line}: label `{key}` has no {lang} text; "
                                  "write it (an empty label hides the control).")
        try:
            fields = {lang: _fields(text) for lang, text in texts.items()}
        except ValueError as exc:
            raise ConfigError(f"{path}:{line}: label `{key}` has a broken {{placeholder}} "
                              f"({exc}); write a literal brace as {{{{ or }}}}.") from exc
        if fields["en"] != fields["ko"]:
            raise ConfigError(
                f"{path}:{line}: label `{key}` must use the same placeholders in every "
                f"language; en has {sorted(fields['en'])}, ko has {sorted(fields['ko'])}.")
        labels[str(key)] = texts
    return labels


def load_labels(path: Path | None = None) -> Labels:
    """data/ui_labels.yaml (or `path`): key -> {language: text}, parsed once per version."""
    return load_versioned(Path(path or LABELS_FILE), _parse, what="the app's labels",
                          restore="restore data/ui_labels.yaml from the repo")


# -- the language of this session ----------------------------------------------------------------
def language() -> str:
    """`?lang=` when valid (a shared link wins), else the session's choice, else English."""
    wanted = st.query_params.get(PARAM)
    if wanted in LANGUAGES:
        st.session_state[STATE] = wanted
    return str(st.session_state.get(STATE, DEFAULT))


def set_language(lang: str) -> None:
    """Remember `lang` for the session and write it into the URL (English: no parameter)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    st.session_state[STATE] = lang
    if lang == DEFAULT:
        if PARAM in st.query_params:
            del st.query_params[PARAM]
    elif st.query_params.get(PARAM) != lang:
        st.query_params[PARAM] = lang


# -- labels --------------------------------------------------------------------------------------
def t(key: str, **fmt: Any) -> str:
    """The label `key` in the session's language, formatted with `fmt`.

    An unknown key raises KeyError: a missing label is a bug to fix in data/ui_labels.yaml.
    """
    labels = load_labels()
    if key not in labels:
        raise KeyError(f"no label {key!r} in {LABELS_FILE}: add it with en and ko texts.")
    text = labels[key][language()]
    return text.format(**fmt) if fmt else text


def term(family: str, value: Any) -> str:
    """The label of a value from a fixed vocabulary (`verdict.supported`, `role.analyst`), or
    the value itself when the file has none (a new verdict or role still shows, untranslated)."""
    key = f"{family}.{value}"
    return t(key) if key in load_labels() else str(value)


def named(names: dict[Any, str]) -> Callable[[Any], str]:
    """A widget's format_func over labels made now, in this run's language: AppTest calls
    format_func again between runs, where the session's language cannot be read."""
    return lambda value: names.get(value, str(value))


def metric_name(metric: str, english: str) -> str:
    """A catalogue metric's name: `english` in English, else the metric's first alias in the
    language (data/metrics.yaml already names every metric in Korean)."""
    lang = language()
    if lang == "en":
        return english
    from claimtracker.metric_catalog import load_catalog

    try:
        names = load_catalog().get(metric).aliases.get(lang) or ()
    except (KeyError, ConfigError):
        names = ()
    return names[0] if names else english


def tip(field: str, title: str, kind: str = "nominal", fmt: str | None = None) -> dict[str, Any]:
    """A chart tooltip entry with a translated title (pipeline.charts.tip shows the field)."""
    from pipeline.charts import tip as chart_tip

    return {**chart_tip(field, kind, fmt), "title": title}


def localise_axes(spec: dict[str, Any]) -> dict[str, Any]:
    """A pipeline.charts spec with the axis and legend titles it writes itself translated."""
    from pipeline.charts import QUARTER_AXIS_TITLE

    own = {QUARTER_AXIS_TITLE: t("chart.fiscal_quarter"),
           "Calendar quarter (in which each fiscal quarter ends)": t("chart.calendar_quarter"),
           "Company": t("chart.company")}
    for channel in spec.get("encoding", {}).values():
        if isinstance(channel, dict) and channel.get("title") in own:
            channel["title"] = own[channel["title"]]
    return spec
