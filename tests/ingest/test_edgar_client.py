"""EdgarClient against a loopback EDGAR: retries, backoff, EDGAR's 403 pages, 404s."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from edgar_server import MIRROR, EdgarServer

from claimtracker.errors import (
    IdentityRejectedError,
    NotFoundError,
    RateLimitedError,
    TransientFetchError,
)
from ingest.edgar import api as edgar_api
from ingest.edgar.client import EdgarClient, RetryPolicy, parse_retry_after
from ingest.edgar.rate_limit import SlidingWindowLimiter

SUBMISSIONS = "submissions/CIK0000320193.json"
FAST = RetryPolicy(retries=3, backoff=0.01, backoff_max=0.05)


@pytest.fixture
def server() -> Iterator[EdgarServer]:
    with EdgarServer() as srv:
        yield srv


def make_client(server: EdgarServer, **kw) -> EdgarClient:
    kw.setdefault("retry", FAST)
    kw.setdefault("timeout", 1.0)
    kw.setdefault("limiter", SlidingWindowLimiter(10))
    return EdgarClient(www=server.www, data=server.data, identity="Test Suite test@example.com",
                       **kw)


def test_serves_mirror_bytes_with_identity(server: EdgarServer) -> None:
    client = make_client(server)
    data, response = client.get_json(client.data_url(SUBMISSIONS))
    assert data["name"] == "Apple Inc."
    assert response.content == (MIRROR / "data.sec.gov" / SUBMISSIONS).read_bytes()
    assert server.hits[0].user_agent == "Test Suite test@example.com"


@pytest.mark.parametrize("fault", ["429", "503", "drop", "slow", "truncate", "bad_json"])
def test_transient_faults_are_retried_then_succeed(server: EdgarServer, fault: str) -> None:
    server.add_fault(fault, "CIK0000320193.json", times=2, delay=1.6)
    client = make_client(server)
    data, _ = client.get_json(client.data_url(SUBMISSIONS))
    assert data["cik"] == "0000320193"
    assert server.paths().count(f"/data.sec.gov/{SUBMISSIONS}") == 3
    assert client.stats["retries"] == 2


@pytest.mark.parametrize("fault", ["503", "drop", "truncate", "bad_json"])
def test_transient_fault_that_persists_gives_up_with_reason(server: EdgarServer,
                                                            fault: str) -> None:
    server.add_fault(fault, "CIK0000320193.json", times=10)
    client = make_client(server)
    with pytest.raises(TransientFetchError) as info:
        client.get_json(client.data_url(SUBMISSIONS))
    assert info.value.url.endswith(SUBMISSIONS)
    assert "gave up after 4 attempts" in str(info.value)
    reasons = {"503": "HTTP 503", "drop": "connection failed", "truncate": "truncated body",
               "bad_json": "malformed JSON"}
    assert reasons[fault] in str(info.value)
    assert len(server.hits) == 4


def test_retry_after_is_honoured(server: EdgarServer) -> None:
    server.add_fault("429", "CIK0000320193.json", retry_after="0.6")
    client = make_client(server)
    client.get(client.data_url(SUBMISSIONS))
    first, second = server.hits
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 0.6


def test_retry_after_longer_than_allowed_is_not_waited_for(server: EdgarServer) -> None:
    server.add_fault("429", "CIK0000320193.json", retry_after="3600")
    client = make_client(server, retry=RetryPolicy(retries=3, backoff=0.01, max_retry_after=5))
    started = time.monotonic()
    with pytest.raises(TransientFetchError, match="HTTP 429"):
        client.get(client.data_url(SUBMISSIONS))
    assert time.monotonic() - started < 2
    assert len(server.hits) == 1


def test_rate_limit_page_stops_at_once_and_blocks_further_requests(server: EdgarServer) -> None:
    server.add_fault("rate_limit", "CIK0000320193.json")
    client = make_client(server)
    with pytest.raises(RateLimitedError, match="10 minutes"):
        client.get(client.data_url(SUBMISSIONS))
    with pytest.raises(RateLimitedError):
        client.get(client.data_url("submissions/CIK0001045810.json"))
    assert len(server.hits) == 1  # no retry, and nothing after the block


def test_undeclared_tool_page_is_an_identity_error(server: EdgarServer) -> None:
    server.add_fault("undeclared", "CIK0000320193.json")
    client = make_client(server)
    with pytest.raises(IdentityRejectedError, match="CLAIMTRACKER_SEC_IDENTITY"):
        client.get(client.data_url(SUBMISSIONS))
    assert len(server.hits) == 1


def test_404_is_not_found_naming_the_cik(server: EdgarServer, tmp_path: Path) -> None:
    client = make_client(server)
    with pytest.raises(NotFoundError, match="CIK 999999999") as info:
        edgar_api.submissions(client, 999999999, tmp_path)
    assert info.value.status == 404
    assert len(server.hits) == 1  # a 404 is an answer, not a failure to retry


def test_conditional_get_reuses_the_cache(server: EdgarServer, tmp_path: Path) -> None:
    client = make_client(server)
    first = edgar_api.submissions(client, 320193, tmp_path)
    second = edgar_api.submissions(client, 320193, tmp_path)
    assert first == second
    assert [h.status for h in server.hits] == [200, 304]
    cached = tmp_path / "edgar-api" / "submissions" / "CIK0000320193.json"
    assert json.loads(cached.read_bytes())["name"] == "Apple Inc."


def test_parse_retry_after_accepts_seconds_and_dates() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert 0 <= parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None


def test_backoff_grows_with_jitter_and_respects_retry_after() -> None:
    policy = RetryPolicy(retries=5, backoff=1.0, backoff_max=8.0)
    delays = [policy.delay(i) for i in range(5)]
    assert 0.5 <= delays[0] <= 1.0 and 4.0 <= delays[3] <= 8.0 and delays[4] <= 8.0
    assert policy.delay(0, retry_after=30.0) == 30.0
