"""Retries calls to model APIs on rate limits, timeouts and server errors, with backoff and jitter."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Callable, Optional, TypeVar

__all__ = ["RetryPolicy", "backoff_delay", "is_retryable", "retry_after", "retry_call"]
__version__ = "1.0.0"

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504, 529})
# Error classes of the openai and anthropic SDKs that are worth another attempt.
RETRYABLE_NAMES = frozenset(
    {"APIConnectionError", "APITimeoutError", "RateLimitError", "InternalServerError", "OverloadedError", "ServiceUnavailableError"}
)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. Times are in seconds."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    deadline: Optional[float] = 120.0


def status_of(error: BaseException) -> Optional[int]:
    """The HTTP status an SDK error carries, if any."""
    for attr in ("status_code", "status", "http_status"):
        value = getattr(error, attr, None)
        if isinstance(value, int):
            return value
    value = getattr(getattr(error, "response", None), "status_code", None)
    return value if isinstance(value, int) else None


def retry_after(error: BaseException) -> Optional[float]:
    """Seconds the server asked to wait (Retry-After as seconds or as an HTTP date), if it did."""
    headers = getattr(getattr(error, "response", None), "headers", None)
    if not headers:
        return None
    raw = headers.get("retry-after") or headers.get("Retry-After")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(raw).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def is_retryable(error: BaseException) -> bool:
    """True for transient failures: timeouts, dropped connections, rate limits, server errors."""
    if isinstance(error, (TimeoutError, ConnectionError)):
        return True
    if type(error).__name__ in RETRYABLE_NAMES:
        return True
    return status_of(error) in RETRYABLE_STATUS


def backoff_delay(attempt: int, policy: RetryPolicy, rng: Callable[[], float] = random.random) -> float:
    """Full-jitter exponential backoff: a random delay up to base_delay * 2^(attempt-1), capped."""
    cap = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
    return rng() * cap


def retry_call(
    fn: Callable[[], T],
    policy: RetryPolicy = RetryPolicy(),
    *,
    on_retry: Optional[Callable[[int, BaseException, float], None]] = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    rng: Callable[[], float] = random.random,
) -> T:
    """Calls ``fn`` until it returns, retrying transient errors as ``policy`` allows.

    The last error is raised when it is not transient, when the attempts are used up, or when
    waiting again would pass the deadline.
    """
    start = clock()
    attempt = 0
    while True:
        attempt += 1
        try:
            return fn()
        except Exception as error:  # noqa: BLE001 - re-raised unless transient
            if attempt >= policy.max_attempts or not is_retryable(error):
                raise
            delay = backoff_delay(attempt, policy, rng)
            hinted = retry_after(error)
            if hinted is not None:
                delay = max(delay, min(hinted, policy.max_delay))
            if policy.deadline is not None and clock() - start + delay > policy.deadline:
                raise
            if on_retry is not None:
                on_retry(attempt, error, delay)
            sleep(delay)
