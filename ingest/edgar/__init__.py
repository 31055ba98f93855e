"""Live EDGAR: client, rate limit, APIs, submissions, downloads, companyfacts, sync."""
