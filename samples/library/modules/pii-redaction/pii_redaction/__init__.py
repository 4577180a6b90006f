"""Replaces personal data in free text with placeholders before it is sent to a language model."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

__all__ = ["DEFAULT_RULES", "Redaction", "Rule", "redact"]
__version__ = "1.2.0"


@dataclass(frozen=True)
class Rule:
    """One kind of personal data: the placeholder label and the pattern that finds it."""

    label: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Redaction:
    """The redacted text and how many values of each label were replaced."""

    text: str
    counts: dict[str, int]


def _rule(label: str, pattern: str) -> Rule:
    return Rule(label, re.compile(pattern))


# Order matters: an IBAN holds digit runs that could look like a card or phone number, and a card
# number is longer than a phone number, so the more specific patterns run first.
DEFAULT_RULES: tuple[Rule, ...] = (
    _rule("EMAIL", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"),
    _rule("IBAN", r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"),
    _rule("CARD", r"\b\d(?:[ -]?\d){12,18}\b"),
    _rule("NINO", r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"),
    _rule("SORT-CODE", r"\b\d{2}-\d{2}-\d{2}\b"),
    _rule("PHONE", r"(?<![\w+])(?:\+44 ?|0)\d(?: ?\d){8,9}\b"),
    _rule("POSTCODE", r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"),
    _rule("POLICY-NO", r"\bLM-?\d{7}\b"),
    _rule("VRN", r"\b[A-Z]{2}\d{2} ?[A-Z]{3}\b"),
)


def _luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def redact(text: str, *, known_names: Iterable[str] = (), rules: Iterable[Rule] = DEFAULT_RULES) -> Redaction:
    """Replaces personal data in ``text`` with ``[LABEL]`` placeholders.

    ``known_names`` are replaced first, longest first and ignoring case, as ``[NAME]``. Then each
    rule runs in order over the text left by the previous ones.
    """
    counts: Counter[str] = Counter()
    names = sorted({n.strip() for n in known_names if n and n.strip()}, key=len, reverse=True)
    for name in names:
        pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)
        text, n = pattern.subn("[NAME]", text)
        counts["NAME"] += n

    for rule in rules:

        def replace(match: re.Match[str], label: str = rule.label) -> str:
            if label == "CARD" and not _luhn_ok(match.group(0)):
                return match.group(0)
            counts[label] += 1
            return "[" + label + "]"

        text = rule.pattern.sub(replace, text)

    return Redaction(text=text, counts={k: v for k, v in counts.items() if v})
