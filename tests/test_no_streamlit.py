import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_never_imports_streamlit():
    code = (  # every public name loaded: the package loads each on first use
        "import sys, segmentation as seg, segmentation.cli\n"
        "[getattr(seg, n) for n in seg.__all__]\n"
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
    sources = "".join(p.read_text() for p in (ROOT / "segmentation").rglob("*.py"))
    assert "import streamlit" not in sources and "from streamlit" not in sources


def test_the_public_api_is_explicit_and_each_name_is_defined_where_it_is_imported_from():
    """``segmentation/__init__.pyi`` (what editors and type checkers read, and what the package
    loads its names from) imports each public name from the module that defines it (no names
    made up at import time); ``__all__`` lists exactly those names."""
    import ast

    init = ast.parse((ROOT / "segmentation" / "__init__.pyi").read_text())
    imported = set()
    for node in init.body:
        if isinstance(node, ast.ImportFrom) and node.level:  # from .folder.module import ...
            module = (ROOT / "segmentation").joinpath(*node.module.split("."))
            path = module / "__init__.py" if module.is_dir() else module.with_suffix(".py")
            source = ast.parse(path.read_text())
            defined = set()
            for item in source.body:
                if isinstance(item, ast.FunctionDef | ast.ClassDef):
                    defined.add(item.name)
                for target in getattr(item, "targets", [getattr(item, "target", None)]):
                    for name in ast.walk(target) if target is not None else ():
                        if isinstance(name, ast.Name):
                            defined.add(name.id)
            for alias in node.names:
                assert alias.asname is None, alias.name  # no renames
                assert alias.name in defined, f"{alias.name} is not defined in {node.module}"
                imported.add(alias.name)
    listed = next(n for n in init.body if isinstance(n, ast.Assign)).value
    assert sorted(ast.literal_eval(listed)) == sorted(imported)


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
    module (``segmentation.method.cleaning``) and no name missing from ``__all__``."""
    import re

    import segmentation

    face = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "dashboard").glob("*.py")]
    for path in face:
        text = path.read_text()
        assert not re.search(r"from segmentation\.|import segmentation\.", text), path
        for name in re.findall(r"\bseg\.(\w+)", text):
            assert name in segmentation.__all__, f"{path.name} uses seg.{name}"
