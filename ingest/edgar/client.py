"""The one HTTP client for SEC EDGAR: polite, identified, and honest about failures.

Everything that talks to EDGAR goes through `EdgarClient.get` (sec-edgar-downloader too, see
`ingest/edgar/sec_downloader.py`). The client:

- sends the declared identity as User-Agent (EDGAR rejects anonymous tools);
- passes every request, retries included, through the process-wide limiter in its transport
  (`LimitedAdapter`), so no code path can exceed the limit;
- retries 429, 5xx, connection resets, timeouts and truncated or malformed bodies with
  exponential backoff and jitter, honouring Retry-After;
- stops at once on EDGAR's 403 pages: "Request Rate Threshold Exceeded" (a 10-minute block
  that grows if hammered) raises RateLimitedError, "Undeclared Automated Tool" raises
  IdentityRejectedError; after either, the client refuses further requests;
- maps 404 (and S3's 403 AccessDenied for missing paths) to NotFoundError naming the URL.

Failures surface as the FetchError tree of `claimtracker.errors`; requests' exceptions never
leak (they are chained with `from exc`).
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from claimtracker import config
from claimtracker.errors import (
    FetchError,
    IdentityRejectedError,
    NotFoundError,
    RateLimitedError,
    TransientFetchError,
)
from ingest.edgar.rate_limit import SlidingWindowLimiter, process_limiter

log = logging.getLogger(__name__)

RATE_LIMIT_MARKERS = ("Request Rate Threshold Exceeded", "Exceeded the SEC’s Traffic Limit")
UNDECLARED_TOOL_MARKER = "Undeclared Automated Tool"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry; tests pass tiny values."""

    retries: int = 5
    backoff: float = 1.0  # first delay in seconds; doubles per attempt
    backoff_max: float = 60.0
    max_retry_after: float = 120.0  # a longer Retry-After ends the attempt instead of waiting

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Backoff for `attempt` (0-based) with full jitter, never less than Retry-After."""
        ceiling = min(self.backoff_max, self.backoff * (2**attempt))
        jittered = random.uniform(ceiling / 2, ceiling)
        return max(jittered, retry_after or 0.0)


class LimitedAdapter(HTTPAdapter):
    """requests' transport with the rate limiter in front of every send, retries included."""

    def __init__(self, limiter: SlidingWindowLimiter, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.limiter = limiter
        self.sent = 0

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        slot = self.limiter.acquire()
        self.sent += 1
        try:
            response = super().send(request, **kwargs)
            if not kwargs.get("stream"):
                _ = response.content  # read the body inside the slot
            return response
        finally:
            self.limiter.settle(slot)


class _Retry(Exception):
    """Internal: this attempt failed in a retryable way."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class EdgarClient:
    """EDGAR over HTTP with base URLs, timeout and identity given as keyword arguments."""

    def __init__(
        self,
        *,
        www: str,
        data: str,
        identity: str,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        limiter: SlidingWindowLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.www = www.rstrip("/")
        self.data = data.rstrip("/")
        self.identity = identity
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.limiter = limiter or process_limiter()
        self._sleep = sleep
        self._blocked: FetchError | None = None
        self.stats: Counter[str] = Counter()
        self._adapter = LimitedAdapter(self.limiter)
        self.session = requests.Session()
        self.session.trust_env = False  # a test server on 127.0.0.1 must not go via a proxy
        self.session.mount("http://", self._adapter)
        self.session.mount("https://", self._adapter)
        self.session.headers.update(
            {"User-Agent": identity, "Accept-Encoding": "gzip, deflate"}
        )

    @classmethod
    def from_config(cls, **overrides: Any) -> EdgarClient:
        """Build from settings; a missing identity raises ConfigError before any request."""
        identity = overrides.pop("identity", None) or config.sec_identity()
        retry = overrides.pop("retry", None) or RetryPolicy(
            retries=config.edgar_retries(), backoff=config.edgar_backoff()
        )
        limiter = overrides.pop("limiter", None) or process_limiter(
            config.max_requests_per_second()
        )
        return cls(
            www=overrides.pop("www", None) or config.edgar_www(),
            data=overrides.pop("data", None) or config.edgar_data(),
            identity=identity,
            timeout=overrides.pop("timeout", None) or config.edgar_timeout(),
            retry=retry,
            limiter=limiter,
            **overrides,
        )

    # -- URLs -----------------------------------------------------------------------------------
    def www_url(self, path: str) -> str:
        return f"{self.www}/{path.lstrip('/')}"

    def data_url(self, path: str) -> str:
        return f"{self.data}/{path.lstrip('/')}"

    @property
    def requests_sent(self) -> int:
        return self._adapter.sent

    # -- requests -------------------------------------------------------------------------------
    def get(
        self, url: str, *, what: str = "file", headers: dict[str, str] | None = None
    ) -> requests.Response:
        """GET with retries; returns a 200 (or 304 for conditional requests) response."""
        return self._with_retries(url, what, headers, parse=None)[0]

    def get_json(
        self, url: str, *, what: str = "JSON", headers: dict[str, str] | None = None
    ) -> tuple[Any, requests.Response]:
        """GET and decode JSON, retrying a malformed body; data is None on 304 Not Modified."""
        return self._with_retries(url, what, headers, parse=_decode_json)

    def _with_retries(
        self,
        url: str,
        what: str,
        headers: dict[str, str] | None,
        parse: Callable[[requests.Response], Any] | None,
    ) -> tuple[Any, requests.Response]:
        if self._blocked is not None:
            raise type(self._blocked)(
                f"not requesting {url}: {self._blocked}", url=url, status=self._blocked.status
            )
        last: _Retry | None = None
        attempts = 0
        for attempt in range(self.retry.retries + 1):
            if last is not None:
                if last.retry_after and last.retry_after > self.retry.max_retry_after:
                    last.reason += f" and Retry-After {last.retry_after:.0f}s is too long to wait"
                    break
                wait = self.retry.delay(attempt - 1, last.retry_after)
                log.warning("%s: %s; retry %d in %.2fs", url, last.reason, attempt, wait)
                self.stats["retries"] += 1
                self._sleep(wait)
            attempts += 1
            try:
                response = self._attempt(url, what, headers)
                if parse is None or response.status_code == 304:
                    return (response if parse is None else None), response
                return parse(response), response
            except _Retry as exc:
                last = exc
        assert last is not None
        self.stats["gave_up"] += 1
        raise TransientFetchError(
            f"{what} {url}: {last.reason} (gave up after {attempts} attempt"
            f"{'s' if attempts > 1 else ''}). EDGAR may be busy or the network down; run the "
            "command again later, finished work is kept.",
            url=url,
            status=last.status,
        )

    def _attempt(self, url: str, what: str, headers: dict[str, str] | None) -> requests.Response:
        self.stats["requests"] += 1
        try:
            response = self.session.get(url, headers=headers, timeout=self.timeout)
        except requests.exceptions.ChunkedEncodingError as exc:
            raise _Retry(f"truncated body ({exc.__class__.__name__})") from exc
        except requests.exceptions.ContentDecodingError as exc:
            raise _Retry(f"undecodable body ({exc})") from exc
        except requests.exceptions.Timeout as exc:
            raise _Retry(f"timed out after {self.timeout}s") from exc
        except requests.exceptions.ConnectionError as exc:
            raise _Retry(f"connection failed ({_short(exc)})") from exc
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"{what} {url}: request failed: {exc}", url=url) from exc
        return self._check(response, url, what)

    def _check(self, response: requests.Response, url: str, what: str) -> requests.Response:
        status = response.status_code
        if status in (200, 304):
            expected = response.headers.get("Content-Length")
            encoded = response.headers.get("Content-Encoding", "identity") != "identity"
            short = expected and not encoded and int(expected) != len(response.content)
            if status == 200 and short:
                raise _Retry(
                    f"truncated body ({len(response.content)} of {expected} bytes)", status=status
                )
            return response
        if status == 403:
            text = response.text
            if any(marker in text for marker in RATE_LIMIT_MARKERS):
                self._blocked = RateLimitedError(
                    "EDGAR says the request rate threshold was exceeded: it blocks this address "
                    "for about 10 minutes. Stopped without retrying; wait 10 minutes, lower "
                    "CLAIMTRACKER_MAX_RPS if other tools share this address, then run again.",
                    url=url,
                    status=403,
                )
                raise self._blocked
            if UNDECLARED_TOOL_MARKER in text:
                self._blocked = IdentityRejectedError(
                    f"EDGAR rejected the User-Agent {self.identity!r} as an undeclared automated "
                    "tool. Set CLAIMTRACKER_SEC_IDENTITY to your name or company and a real "
                    'email, e.g. "Jane Doe jane@example.com".',
                    url=url,
                    status=403,
                )
                raise self._blocked
            if "AccessDenied" in text:  # EDGAR's S3 answer for a path that does not exist
                raise NotFoundError(f"EDGAR has no {what} at {url} (403 AccessDenied)",
                                    url=url, status=403)
            raise FetchError(f"{what} {url}: EDGAR answered 403 Forbidden", url=url, status=403)
        if status == 404:
            raise NotFoundError(f"EDGAR has no {what} at {url} (404)", url=url, status=404)
        if status in RETRY_STATUSES:
            raise _Retry(
                f"HTTP {status}",
                status=status,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        raise FetchError(f"{what} {url}: unexpected HTTP {status}", url=url, status=status)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> EdgarClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _decode_json(response: requests.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise _Retry(f"malformed JSON ({exc})", status=response.status_code) from exc


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."
