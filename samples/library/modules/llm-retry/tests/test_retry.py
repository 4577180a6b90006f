import pytest

from llm_retry import RetryPolicy, backoff_delay, retry_call


class FakeResponse:
    def __init__(self, headers=None):
        self.headers = headers or {}


class HttpError(Exception):
    def __init__(self, status, headers=None):
        super().__init__(f"HTTP {status}")
        self.status_code = status
        self.response = FakeResponse(headers)


def flaky(errors, result="ok"):
    """A call that raises the given errors in turn, then returns result."""
    calls = []

    def call():
        calls.append(len(calls))
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return result

    return call, calls


def test_retries_rate_limits_then_returns():
    call, calls = flaky([HttpError(429), HttpError(503)])
    waits = []
    assert retry_call(call, sleep=waits.append, rng=lambda: 1.0) == "ok"
    assert len(calls) == 3
    assert waits == [0.5, 1.0]


def test_does_not_retry_a_bad_request():
    call, calls = flaky([HttpError(400)])
    with pytest.raises(HttpError):
        retry_call(call, sleep=lambda s: None)
    assert len(calls) == 1


def test_honours_retry_after_up_to_max_delay():
    call, _ = flaky([HttpError(429, {"retry-after": "7"}), HttpError(429, {"retry-after": "120"})])
    waits = []
    retry_call(call, RetryPolicy(max_delay=20), sleep=waits.append, rng=lambda: 0.0)
    assert waits == [7.0, 20.0]


def test_gives_up_after_max_attempts():
    call, calls = flaky([TimeoutError()] * 5)
    with pytest.raises(TimeoutError):
        retry_call(call, RetryPolicy(max_attempts=3), sleep=lambda s: None)
    assert len(calls) == 3


def test_stops_before_the_deadline():
    now = [0.0]
    call, calls = flaky([ConnectionError()] * 5)
    with pytest.raises(ConnectionError):
        retry_call(call, RetryPolicy(deadline=1.0, base_delay=0.8), sleep=lambda s: now.__setitem__(0, now[0] + s), clock=lambda: now[0], rng=lambda: 1.0)
    assert len(calls) == 2


def test_backoff_is_capped():
    assert backoff_delay(10, RetryPolicy(base_delay=1, max_delay=30), rng=lambda: 1.0) == 30
