"""Filings: SGML, HTML text, XBRL, sections, releases, parsing, quality, the local-folder ingest."""
