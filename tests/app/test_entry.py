"""`streamlit run app.py` serves app.py through an st.App whose lifespan warms the server up."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import streamlit as st
from streamlit.web.server.app_discovery import discover_asgi_app

APP = Path(__file__).resolve().parents[2] / "app.py"


def test_streamlit_run_finds_the_asgi_app_in_app_py() -> None:
    found = discover_asgi_app(APP)
    assert found.is_asgi_app and found.app_name == "app"


def test_imported_app_py_is_an_st_app_over_itself() -> None:
    spec = importlib.util.spec_from_file_location("claimtracker_app_entry", APP)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # imported, not run: draws nothing
    assert isinstance(module.app, st.App)
    assert Path(module.app.script_path).resolve() == APP


def test_warm_up_leaves_pandas_loaded_for_the_first_visitor() -> None:
    # A fresh interpreter: this test process imported pandas long ago.
    code = ("import sys; from app_pages.warmup import warm_up; before = 'pandas' in sys.modules; "
            "warm_up(); print(before, 'pandas' in sys.modules, 'pyarrow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=APP.parent, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False", "True", "True"]
