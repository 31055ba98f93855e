"""A stand-in for SEC EDGAR on 127.0.0.1: serves ../shared/edgar/mirror and injects faults.

`/<host>/<path>` maps to `mirror/<host>/<path>` (then to the same path under further
`roots`), so the two base URLs are `http://127.0.0.1:PORT/www.sec.gov` and
`.../data.sec.gov`; anything else is a 404 with the XML body EDGAR's S3 front sends. It
answers conditional GETs (If-Modified-Since -> 304) as EDGAR does, and logs every request
with its arrival time (time.monotonic), so tests can check the rate EDGAR would see.

Faults are queued with `add_fault(kind, path_regex, times=1)`; each matching request takes
one: '429' (with Retry-After), '503', 'drop' (connection closed without an answer), 'slow'
(answers after `delay` seconds), 'truncate' (half the body, full Content-Length),
'bad_json' (200 with a cut JSON body and a matching Content-Length), 'rate_limit' (EDGAR's
real 403 "Request Rate Threshold Exceeded" page), 'undeclared' (the real "Undeclared
Automated Tool" page).
"""

from __future__ import annotations

import contextlib
import email.utils
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
MIRROR = SHARED / "edgar" / "mirror"
BEHAVIOUR = SHARED / "edgar" / "behaviour"
#: Hand-written additions (Amazon's submissions JSON, see tests/fixtures/edgar/README.md).
FIXTURE_MIRROR = Path(__file__).resolve().parent / "fixtures" / "edgar" / "mirror"
NOT_FOUND_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The '
    b"specified key does not exist.</Message></Error>"
)
_TYPES = {".json": "application/json", ".htm": "text/html", ".html": "text/html",
          ".txt": "text/plain", ".xml": "application/xml"}
FAULTS = ("429", "503", "drop", "slow", "truncate", "bad_json", "rate_limit", "undeclared")


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """Most of `times` (seconds) that fall within any `window` seconds: the limiter's promise."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


@dataclass
class Fault:
    kind: str
    pattern: re.Pattern[str]
    times: int
    retry_after: str = "0"
    delay: float = 2.0


@dataclass
class Hit:
    """One request as the server saw it."""

    at: float  # time.monotonic() on arrival
    path: str
    status: int  # 0 until answered (or for a dropped connection)
    user_agent: str | None


@dataclass
class EdgarServer:
    """Threaded loopback server; use as a context manager."""

    roots: tuple[Path, ...] = (MIRROR,)  # tried in order (a fixture overlay first)
    hits: list[Hit] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    on_request: Callable[[str, int], None] | None = None  # (path, number of requests so far)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # -- control --------------------------------------------------------------------------------
    def __enter__(self) -> EdgarServer:
        server = self
        handler = type("Handler", (_Handler,), {"server_state": server})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def base(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def www(self) -> str:
        return f"{self.base}/www.sec.gov"

    @property
    def data(self) -> str:
        return f"{self.base}/data.sec.gov"

    def env(self) -> dict[str, str]:
        """Environment that points claimtracker at this server."""
        return {"CLAIMTRACKER_EDGAR_WWW": self.www, "CLAIMTRACKER_EDGAR_DATA": self.data}

    def add_fault(self, kind: str, path: str = ".*", *, times: int = 1, retry_after: str = "0",
                  delay: float = 2.0) -> None:
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; choose from {FAULTS}")
        with self._lock:
            self.faults.append(Fault(kind, re.compile(path), times, retry_after, delay))

    def paths(self) -> list[str]:
        return [h.path for h in self.hits]

    def max_in_window(self, window: float = 1.0) -> int:
        """Most requests that arrived within any `window` seconds."""
        return max_in_window([h.at for h in self.hits], window)

    # -- used by the handler --------------------------------------------------------------------
    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.pattern.search(path):
                    fault.times -= 1
                    return fault
        return None

    def _log(self, hit: Hit) -> int:
        with self._lock:
            self.hits.append(hit)
            return len(self.hits)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: EdgarServer
    _hit: Hit

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def handle(self) -> None:
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):  # a killed client
            super().handle()

    def do_GET(self) -> None:
        arrived = time.monotonic()
        state = self.server_state
        path = self.path.split("?", 1)[0]
        self._hit = Hit(arrived, path, 0, self.headers.get("User-Agent"))
        count = state._log(self._hit)  # logged on arrival: a slow answer is still a request
        if state.on_request:
            state.on_request(path, count)
        self._answer(path, state._take_fault(path))

    def _answer(self, path: str, fault: Fault | None) -> int:
        kind = fault.kind if fault else None
        if kind == "drop":
            self.close_connection = True
            return 0
        if kind in ("429", "503"):
            headers = {"Retry-After": fault.retry_after} if fault and kind == "429" else {}
            return self._send(int(kind), b"busy", "text/plain", headers)
        if kind == "rate_limit":
            body = (BEHAVIOUR / "rate-limit-exceeded-403.html").read_bytes()
            return self._send(403, body, "text/html")
        if kind == "undeclared":
            body = (BEHAVIOUR / "undeclared-automated-tool-403.html").read_bytes()
            return self._send(403, body, "text/html")
        if kind == "bad_json":
            return self._send(200, b'{"cik": "0000320193", "filings": {"rec', "application/json")
        if kind == "slow" and fault:
            time.sleep(fault.delay)
        file = self._file(path)
        if file is None:
            return self._send(404, NOT_FOUND_BODY, "application/xml")
        mtime = int(file.stat().st_mtime)
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                if email.utils.parsedate_to_datetime(since).timestamp() >= mtime:
                    return self._send(304, b"", None, {"Last-Modified": _http_date(mtime)})
            except (TypeError, ValueError):
                pass
        body = file.read_bytes()
        headers = {"Last-Modified": _http_date(mtime)}
        if kind == "truncate":
            self._hit.status = 200
            self.send_response(200)
            self.send_header("Content-Type", _TYPES.get(file.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return 200
        return self._send(200, body, _TYPES.get(file.suffix, "application/octet-stream"), headers)

    def _file(self, path: str) -> Path | None:
        for root in self.server_state.roots:
            root = root.resolve()
            candidate = (root / path.lstrip("/")).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None

    def _send(self, status: int, body: bytes, content_type: str | None,
              headers: dict[str, str] | None = None) -> int:
        self._hit.status = status  # before the client can see the answer
        try:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.close_connection = True
        return status


def _http_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)
