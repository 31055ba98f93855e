"""claimtracker's Streamlit app: `streamlit run app.py` (reads the DB named by CLAIMTRACKER_DB).

This file is both the entry point and the page script. `streamlit run` first imports it to
look for an ASGI app and finds `app` below: a `st.App` that serves this same file and warms
the server up before it accepts connections (`app_pages.warmup`), so the first visitor does
not wait for imports. Streamlit then runs the file as `__main__` on every rerun, which draws
the app (`app_pages.shell`). AppTest runs it the same way.
"""

from __future__ import annotations

import streamlit as st

if __name__ == "__main__":
    from app_pages.shell import main

    main()
else:
    from app_pages.warmup import lifespan

    app = st.App(__file__, lifespan=lifespan)
