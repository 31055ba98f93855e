"""claimtracker: check investment-article claims against what management says and reports."""

__version__ = "0.1.0"
