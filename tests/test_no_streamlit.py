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
    sources = "".join(p.read_text() for p in (ROOT / "segmentation").rglob("*.py"))
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


def test_every_public_name_resolves():
    code = (
        "import segmentation as seg; [getattr(seg, n) for n in seg.__all__]; "
        "print(len(seg.__all__))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert int(out) > 50


def test_the_face_uses_only_the_public_api():
    """The dashboard imports ``segmentation`` as a package and uses its exports: no private
    module (``segmentation.cleaning``) and no name missing from ``__all__``."""
    import re

    import segmentation

    face = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "dashboard").glob("*.py")]
    for path in face:
        text = path.read_text()
        assert not re.search(r"from segmentation\.|import segmentation\.", text), path
        for name in re.findall(r"\bseg\.(\w+)", text):
            assert name in segmentation.__all__, f"{path.name} uses seg.{name}"
