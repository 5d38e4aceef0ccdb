"""Controleniveau 2–4: the rules of the iJw 3.2 regelrapport beyond the XSD.

Importing this package registers every rule; :func:`run_rules` runs those of one message
type on a parsed, schema-valid tree (see ``engine.py`` and ``docs/architecture.md``).
"""

from ijw_gateway.validation.rules import (  # noqa: F401  (registration)
    berichtinhoud,
    berichtoverstijgend,
    declaratie,
    documented,
    externe_bron,
    start_stop,
    wijziging,
)
from ijw_gateway.validation.rules.engine import run_rules

__all__ = ["run_rules"]
