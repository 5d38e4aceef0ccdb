"""Where the shipped data lives: ``schemas/``, ``productcodes/`` and ``examples/`` (the demo's story),
and where the user's own data lives.

In a checkout (and an editable install) the shipped data sits at the repository root; a wheel
carries it inside the package as ``ijw_gateway/_data/<name>``. The user's own data (the
contracts ``ijw productcodes import`` writes) is in :func:`user_data_dir`, laid over the
shipped data wherever a catalog is loaded.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import platformdirs

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The shipped directory ``name`` (``"schemas"``, ``"productcodes"`` or ``"examples"``)."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the installation is incomplete: no '{name}' directory beside the package")


def user_data_dir() -> Path:
    """The user's own data: env ``IJW_DATA_DIR``, else the platform's user data directory
    (``~/.local/share/ijw-gateway`` on Linux, ``~/Library/Application Support/ijw-gateway`` on macOS)."""
    configured = os.environ.get("IJW_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_data_path("ijw-gateway", appauthor=False)


def user_productcodes_dir() -> Path:
    """Where ``ijw productcodes import`` writes contracts, and where ``map``, ``build`` and
    ``respond`` find them: ``<user data>/productcodes`` (``contracten/<jaar>/<regio>.yaml``)."""
    return user_data_dir() / "productcodes"
