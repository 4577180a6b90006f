"""Runs a prompt asset on redacted inputs, retrying transient model API errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import prompty
from llm_retry import RetryPolicy, retry_call
from pii_redaction import redact

POLICY = RetryPolicy(max_attempts=4, deadline=90)


def redact_inputs(value: Any, known_names: list[str]) -> Any:
    """Redacts every string in the inputs, however deeply nested."""
    if isinstance(value, str):
        return redact(value, known_names=known_names).text
    if isinstance(value, list):
        return [redact_inputs(item, known_names) for item in value]
    if isinstance(value, dict):
        return dict((key, redact_inputs(item, known_names)) for key, item in value.items())
    return value


def run(prompt_file: Path, inputs: dict[str, Any], known_names: list[str]) -> Any:
    """Renders and runs a Prompty file with redacted inputs and returns the model's result."""
    clean = redact_inputs(inputs, known_names)
    return retry_call(lambda: prompty.invoke(str(prompt_file), inputs=clean), POLICY)
