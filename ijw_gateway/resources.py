"""Where the shipped data lives: ``schemas/``, ``productcodes/`` and ``examples/`` (the demo's story).

In a checkout (and an editable install) they sit at the repository root; a wheel
carries them inside the package as ``ijw_gateway/_data/<name>``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The shipped directory ``name`` (``"schemas"``, ``"productcodes"`` or ``"examples"``)."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the installation is incomplete: no '{name}' directory beside the package")
