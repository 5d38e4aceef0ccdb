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
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any, Literal

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


@dataclass
class _Settings:
    level: int = logging.WARNING
    log_format: LogFormat = "text"
    ours: bool = False
    """configure() was called: these settings, not the application's, decide."""
    applied: bool = False
    """structlog has been configured with them (done on the first line that is logged)."""


_SETTINGS = _Settings()
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR,
           "critical": logging.CRITICAL}


def configure(verbose: bool = False, log_format: LogFormat = "text") -> None:
    """Log to stderr: warnings by default, everything with ``verbose``.

    structlog is imported and configured when the first line is logged, not before: a command
    that logs nothing (``ijw validate`` without ``--verbose``) never loads it.
    """
    _SETTINGS.level = logging.DEBUG if verbose else logging.WARNING
    _SETTINGS.log_format = log_format
    _SETTINGS.ours = True
    _SETTINGS.applied = False
    if verbose:
        _apply()


def current_format() -> LogFormat:
    """The format configure() chose (``ijw serve`` hands it to its worker processes)."""
    return _SETTINGS.log_format


def _apply() -> None:
    import structlog  # here, not at the top: see configure()

    renderer: Any = (
        structlog.processors.JSONRenderer()
        if _SETTINGS.log_format == "json"
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
        wrapper_class=structlog.make_filtering_bound_logger(_SETTINGS.level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    _SETTINGS.applied = True


def _threshold() -> int:
    """The least level that is logged: ours once configure() ran; else the application's, when it
    configured structlog itself; else warnings (a library prints nothing unasked)."""
    if _SETTINGS.ours:
        return _SETTINGS.level
    structlog = sys.modules.get("structlog")
    if structlog is not None and structlog.is_configured():
        return logging.NOTSET
    return logging.WARNING


class Logger:
    """A structlog logger that costs nothing until a line passes the level: structlog is loaded then."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def _log(self, method: str, event: str, **values: Any) -> None:
        if _LEVELS[method] < _threshold():
            return
        import structlog  # loaded by now, or on this first line that is logged

        if not _SETTINGS.applied and (_SETTINGS.ours or not structlog.is_configured()):
            _apply()  # ours, never unredacted
        getattr(structlog.get_logger(self._name), method)(event, **values)

    def debug(self, event: str, **values: Any) -> None:
        self._log("debug", event, **values)

    def info(self, event: str, **values: Any) -> None:
        self._log("info", event, **values)

    def warning(self, event: str, **values: Any) -> None:
        self._log("warning", event, **values)

    def error(self, event: str, **values: Any) -> None:
        self._log("error", event, **values)

    def critical(self, event: str, **values: Any) -> None:
        self._log("critical", event, **values)


def get_logger(name: str) -> Logger:
    return Logger(name)
