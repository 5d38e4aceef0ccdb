"""Derived identifiers for the messages we write: the same input gives the same identifier.

Deriving rather than counting makes a re-run (after a crash, or of the same bepaling)
write the same message again instead of a near-duplicate with a new Identificatie.
"""

import hashlib
from base64 import b32encode


def _digest(parts: tuple[object, ...], size: int) -> bytes:
    material = parts[0] if len(parts) == 1 and isinstance(parts[0], bytes) else "|".join(map(str, parts)).encode()
    return hashlib.blake2b(material, digest_size=size).digest()


def identificatie(*parts: object) -> str:
    """A 12-character Identificatie (LDT_IdentificatieBericht) derived from ``parts`` (or one bytes value)."""
    return b32encode(_digest(parts, 10)).decode()[:12]


def nummer(*parts: object) -> int:
    """A 9-digit ToewijzingNummer (LDT_Nummer) derived from ``parts``; rare collisions are possible."""
    return int.from_bytes(_digest(parts, 8)) % 900_000_000 + 100_000_000


def content_digest(data: bytes) -> str:
    """A digest of a message's bytes: tells the same message seen again from another one."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
