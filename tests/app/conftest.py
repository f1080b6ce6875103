from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture(autouse=True, scope="session")
def _components_scanned_once():
    """Each new AppTest scans every installed package for custom components (about 0.2 s);
    the installed packages do not change while the tests run, so the first scan serves all."""
    from streamlit.components.v2 import manifest_scanner

    original = manifest_scanner.scan_component_manifests
    found = original()
    manifest_scanner.scan_component_manifests = lambda max_workers=None: list(found)
    yield
    manifest_scanner.scan_component_manifests = original


@pytest.fixture
def app() -> AppTest:
    """The home page, run once on the built-in demo data."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception
    return at
