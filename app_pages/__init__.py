"""The Streamlit pages of claimtracker, one module per page (see app.py)."""
