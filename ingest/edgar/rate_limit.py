"""At most N requests in any one-second window: the one limiter every EDGAR request passes.

EDGAR blocks a client for ten minutes once it sees more than 10 requests in a second, so the
limit is a hard ceiling on what the *server* sees, not an average. The limiter keeps the time
of the last N requests; a new request waits until the oldest of them is a full window old.
A request's slot is stamped when its response headers arrive (`settle`), which is after the
server logged it, so network latency can never squeeze N+1 arrivals into one window.

`process_limiter()` hands out the single process-wide instance (sec-edgar-downloader's
requests and ours share it); `set_rate` changes its limit in place, so no caller keeps a
stale limiter.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

WINDOW_SECONDS = 1.0


@dataclass
class Slot:
    """One request's place in the window: stamped at start, re-stamped when answered."""

    stamp: float
    settled: bool = False


class SlidingWindowLimiter:
    """Thread-safe: at most `max_per_window` requests in any `window` seconds."""

    def __init__(self, max_per_window: float = 10, *, window: float = WINDOW_SECONDS) -> None:
        self._cond = threading.Condition()
        self.window = window
        self._slots: list[Slot] = []
        self.max_per_window = 1
        self.set_rate(max_per_window)

    def set_rate(self, max_per_window: float) -> None:
        """Change the limit in place (e.g. CLAIMTRACKER_MAX_RPS=5); fractional rates round down."""
        if max_per_window <= 0:
            raise ValueError(f"max_per_window must be positive, got {max_per_window}")
        with self._cond:
            self.max_per_window = max(1, int(max_per_window))
            self._cond.notify_all()

    def acquire(self) -> Slot:
        """Block until a request may start; returns the slot to `settle` once it was answered."""
        with self._cond:
            while True:
                now = time.monotonic()
                # A slot counts while its request is in flight or answered less than a window ago.
                self._slots = [
                    s for s in self._slots if not s.settled or now - s.stamp < self.window
                ]
                if len(self._slots) < self.max_per_window:
                    slot = Slot(now)
                    self._slots.append(slot)
                    return slot
                settled = [s.stamp for s in self._slots if s.settled]
                timeout = min(settled) + self.window - now if settled else self.window
                self._cond.wait(timeout=max(timeout, 0.0005))

    def settle(self, slot: Slot) -> None:
        """Mark a request answered (or failed): its window is counted from now."""
        with self._cond:
            slot.stamp = time.monotonic()
            slot.settled = True
            self._cond.notify_all()


_PROCESS_LIMITER: SlidingWindowLimiter | None = None
_PROCESS_LOCK = threading.Lock()


def process_limiter(max_per_window: float | None = None) -> SlidingWindowLimiter:
    """The one limiter of this process; a given rate updates it in place."""
    global _PROCESS_LIMITER
    with _PROCESS_LOCK:
        if _PROCESS_LIMITER is None:
            _PROCESS_LIMITER = SlidingWindowLimiter(max_per_window or 10)
        elif max_per_window is not None:
            _PROCESS_LIMITER.set_rate(max_per_window)
        return _PROCESS_LIMITER
