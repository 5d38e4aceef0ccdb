"""Shared fixtures for the tussentaal tests."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest

from ijw_gateway.resources import data_dir
from ijw_gateway.tussentaal.catalog import Catalog, default_catalog

BASE: dict[str, Any] = {
    "kenmerk": "GI-2026-000123",
    "gecertificeerde_instelling": "JBG",
    "jeugdbeschermer": "A. de Vries",
    "maatregel": "OTS",
    "vastgesteld_op": "2026-04-01",
    "route": "315",
    "gemeente": "0202",
    "jeugdige": {"bsn": "999900006", "geboortedatum": "2010-02-14", "geslacht": 1, "achternaam": "Wit",
                 "voorvoegsel": "de", "voorletters": "T", "voornamen": "Tom"},
    "hulp": [{"zorgvorm": "AMB-SPEC-IND", "aanbieder": "42420001", "ingangsdatum": "2026-04-15",
              "einddatum": "2026-10-14", "omvang": {"volume": 2, "eenheid": "uur", "frequentie": "week"},
              "evaluatiemomenten": ["2026-07-15"], "commentaar": "vrije tekst"}],
}


@pytest.fixture
def base() -> dict[str, Any]:
    """A valid bepaling as a dict (a fresh deep copy per test)."""
    return copy.deepcopy(BASE)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalog."""
    return default_catalog()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped productcodes directory."""
    dest = tmp_path / "productcodes"
    shutil.copytree(data_dir("productcodes"), dest)
    return dest
