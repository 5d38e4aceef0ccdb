"""``python -m ijw_gateway.cli`` runs ``ijw``."""

from ijw_gateway.cli import run

run()
