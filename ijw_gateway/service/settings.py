"""What one service process needs to know; the same for every worker (passed through the environment)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

from ijw_gateway.messages.safexml import DEFAULT_MAX_BYTES

ENVIRONMENT = "IJW_SERVE_SETTINGS"


@dataclass(frozen=True)
class Settings:
    ledger: str
    """The ledger database URL every process shares (tokens, TR056, counters, idempotency keys live there)."""
    max_body_bytes: int = DEFAULT_MAX_BYTES
    """The largest request body: the limit of one message (413 above it)."""
    max_batch_bytes: int = 4 * DEFAULT_MAX_BYTES
    """The largest body of ``/v1/validate/batch``."""
    request_timeout: float = 60.0
    """Seconds a request may take before it is answered 503 (the client may retry: writes are idempotent)."""
    max_concurrency: int = 32
    """Requests one process works on at once; more wait up to ``queue_timeout`` seconds, then get 503."""
    queue_timeout: float = 10.0
    token_cache_seconds: float = 2.0
    """How long a process trusts a token it looked up; a revoked token is refused everywhere within this time."""
    access_log: bool = True
    log_format: str = "text"

    def to_environment(self) -> dict[str, str]:
        return {ENVIRONMENT: json.dumps(asdict(self))}

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(**json.loads(os.environ[ENVIRONMENT]))
