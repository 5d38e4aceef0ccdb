"""Shared fixtures: where the official iJw 3.2 reference lives, and how its absence is handled.

The reference (../shared/reference beside the checkout) is an oracle for tests only.
Without it the tests that need it skip with a reason; under CI (CI=true) its absence
is a failure, so CI can never pass without checking against the official XSDs.
"""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(os.environ.get("IJW_REFERENCE", ROOT.parent / "shared" / "reference"))
OFFICIAL_XSD = REFERENCE / "ijw-3.2" / "xsd"
OFFICIAL_EXAMPLES = REFERENCE / "ijw-3.2" / "berichten"


# The user's own data (the contracts `ijw productcodes import` writes, laid over the shipped data) of
# whoever runs the tests must not change what they see: each test process gets an empty one.
os.environ["IJW_DATA_DIR"] = tempfile.mkdtemp(prefix="ijw-test-data-")

settings.register_profile("fuzz", max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))


def pytest_configure(config: pytest.Config) -> None:
    """The long fuzzing run: ``IJW_FUZZ=1`` or ``pytest -m fuzz`` loads the hypothesis profile ``fuzz``."""
    if os.environ.get("IJW_FUZZ") == "1" or "fuzz" in (config.getoption("markexpr", "") or ""):
        settings.load_profile("fuzz")


def require_reference() -> Path:
    if OFFICIAL_XSD.is_dir():
        return REFERENCE
    reason = f"the official iJw 3.2 reference is not at {REFERENCE} (set IJW_REFERENCE to its path)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; under CI it is required")
    pytest.skip(reason)


class OfficialSchemas:
    """The official XSDs, compiled once per test session."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache: dict[str, etree.XMLSchema] = {}

    def schema(self, bericht: str) -> etree.XMLSchema:
        if bericht not in self._cache:
            self._cache[bericht] = etree.XMLSchema(etree.parse(str(self.directory / f"{bericht}.xsd")))
        return self._cache[bericht]

    def accepts(self, bericht: str, document: bytes) -> bool:
        return self.schema(bericht).validate(etree.fromstring(document).getroottree())


@pytest.fixture(scope="session")
def reference() -> Path:
    return require_reference()


@pytest.fixture(scope="session")
def official(reference: Path) -> OfficialSchemas:
    return OfficialSchemas(OFFICIAL_XSD)


@pytest.fixture(scope="session", autouse=True)
def _no_real_user_configuration(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Ledger keys a test makes by default go to a directory of the test run, never the user's own
    configuration (``XDG_CONFIG_HOME``, which ``platformdirs`` reads; subprocesses inherit it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
        yield
