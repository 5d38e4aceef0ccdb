"""Structured logs (structlog), configured once, with a redaction safety net.

Commands log what they did — files, counts, durations, decisions — never a BSN,
a name, an address or message content. The last processor before rendering
masks anything that still looks like personal data, in case a caller slips.

Used as a library, ijw-gateway is quiet (warnings only, to stderr, redacted) unless the
application configured structlog first; an application that does should put
:func:`redact` among its processors.
"""

import logging
import re
import sys
from datetime import date
from pathlib import PurePath
from typing import Any, Literal

import structlog

LogFormat = Literal["text", "json"]

_PERSONAL_KEYS = re.compile(r"bsn|naam|name|achternaam|voornamen|voorletters|adres|straat|postcode|email|telefoon",
                            re.I)
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")
_POSTCODE = re.compile(r"(?<![\w-])[1-9]\d{3} ?[A-Z]{2}(?![\w-])")
REDACTED = "[redacted]"


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return _POSTCODE.sub(REDACTED, _NINE_DIGITS.sub(REDACTED, value))
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):  # a BSN can come as a number too
        return REDACTED if _NINE_DIGITS.fullmatch(str(abs(value))) else value
    if isinstance(value, dict):
        return {k: REDACTED if _PERSONAL_KEYS.search(str(k)) else _redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_value(v) for v in value]
    if isinstance(value, date | PurePath):
        return _redact_value(str(value))
    return f"<{type(value).__name__}>"  # never render an object: its repr may hold a message's content


def redact(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: mask personal-data keys and BSN-like numbers in every value."""
    return {
        key: REDACTED if _PERSONAL_KEYS.search(key) else _redact_value(value) for key, value in event_dict.items()
    }


def configure(verbose: bool = False, log_format: LogFormat = "text") -> None:
    """Log to stderr: warnings by default, everything with ``verbose``."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG if verbose else logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)


if not structlog.is_configured():  # a library prints nothing unasked, and never unredacted
    configure()
