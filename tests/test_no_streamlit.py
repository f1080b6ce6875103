import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_never_imports_streamlit():
    code = "import sys, segmentation, segmentation.cli; print('streamlit' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
    sources = "".join(p.read_text() for p in (ROOT / "segmentation").glob("*.py"))
    assert "import streamlit" not in sources and "from streamlit" not in sources


def test_lazy_package_resolves_names_and_submodules_in_a_fresh_process():
    code = (
        "import segmentation as seg; print(seg.cleaning.RULES[0].key, seg.METRICS[0], "
        "seg.CleaningOptions().duplicates)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["missing_customer", "recency_days", "True"]
