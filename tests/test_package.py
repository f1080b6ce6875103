"""The package as a maintainer and a user meet it: a folder per stage of the walk, imports that
only go down, a wheel that installs, and no start-up tricks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "segmentation"

# The walk, lowest first: a module may import from its own folder and the folders before it.
FOLDERS = ("reading", "columns", "method", "outcomes", "engines")
SHARED = {"errors", "settings", "words"}  # imported by every folder; they import nothing above
TOP = {"__init__", "__main__", "pipeline", "cli", "demo"}


def _level(module: str) -> int:
    """-1 for the shared modules, the folder's place in the walk, len(FOLDERS) for the top."""
    parts = module.split(".")[1:]
    if parts and parts[0] in FOLDERS:
        return FOLDERS.index(parts[0])
    name = parts[0] if parts else "__init__"
    return -1 if name in SHARED else len(FOLDERS)


def _imports(path: Path) -> set[str]:
    """The package's modules (or folders) this file imports, at the top or inside functions."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = (
        module.rsplit(".", 1)[0] if path.name != "__init__.py" else module[: -len(".__init__")]
    )
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "segmentation":
                found.add(target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "segmentation"}
    return found


def test_every_module_sits_in_a_folder_of_the_walk_or_is_named_on_top():
    loose = {p.stem for p in CORE.glob("*.py")} - SHARED - TOP
    assert not loose, f"modules outside the folders: {sorted(loose)}"
    assert {p.name for p in CORE.iterdir() if (p / "__init__.py").exists()} == set(FOLDERS)


def test_imports_only_go_down_the_walk():
    wrong = []
    for path in CORE.rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for target in _imports(path):
            if _level(target) > _level(module) or (_level(module) == -1 and _level(target) != -1):
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_the_direction_check_sees_an_upward_import(tmp_path):
    # The checker itself: a lower folder importing the pipeline is found, function-level too.
    module = tmp_path / "segmentation" / "method" / "x.py"
    module.parent.mkdir(parents=True)
    module.write_text("def f():\n    from ..pipeline import segment\n")
    found = {t for t in _imports_at(module, tmp_path)}
    assert found == {"segmentation.pipeline"}
    assert _level("segmentation.pipeline") > _level("segmentation.method.x")


def _imports_at(path: Path, root: Path) -> set[str]:
    global ROOT
    saved, ROOT = ROOT, root
    try:
        return _imports(path)
    finally:
        ROOT = saved


@pytest.mark.slow
def test_the_wheel_holds_every_module_declares_its_dependencies_and_a_command(tmp_path):
    """Built from this checkout as pip builds it: every module of the package (subpackages
    included), runtime dependencies declared, pyspark only in an extra, a console command."""
    import shutil
    import subprocess
    import sys
    import zipfile

    root = ROOT
    source = tmp_path / "source"  # a copy: the build writes its folders beside the sources
    shutil.copytree(root / "segmentation", source / "segmentation",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(root / "pyproject.toml", source)

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    wheel = next(tmp_path.glob("segmentation-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        meta = next(archive.read(n).decode() for n in names if n.endswith("METADATA"))
        entry = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    modules = {str(p.relative_to(root)) for p in (root / "segmentation").rglob("*.py")}
    assert modules <= names
    assert "segmentation/engines/log4j2-quiet.properties" in names  # Spark's quiet logging
    assert "segmentation/__init__.pyi" in names  # the public API, read at import
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    plain = [r for r in requires if "extra ==" not in r]
    assert any(r.startswith("Requires-Dist: pandas") for r in plain)
    assert any(r.startswith("Requires-Dist: scikit-learn") for r in plain)
    assert not any("pyspark" in r for r in plain)
    assert any("pyspark" in r and 'extra == "spark"' in r for r in requires)
    assert "segmentation = segmentation.cli:main" in entry


def test_no_start_up_tricks_or_global_options_in_the_core():
    """No os._exit (outputs flushed, interpreter torn down normally) and no global pandas
    options set by the command line (a library user's display is theirs)."""
    for path in CORE.rglob("*.py"):
        text = path.read_text()
        assert "os._exit" not in text, path
        assert "pd.set_option" not in text, path


def test_the_command_line_reads_before_the_method_s_libraries_are_loaded():
    """``python -m segmentation`` starts without scikit-learn, SciPy or plotly (about 2 s): they
    load while the file is read, and every public name still resolves on first use."""
    import subprocess
    import sys

    code = (
        "import sys, segmentation.cli as cli, segmentation as seg\n"
        "cli.settings_from_args(cli.build_parser().parse_args(['fit', 'shop.csv']))\n"
        "print(sorted(m for m in ('sklearn', 'scipy', 'plotly', 'duckdb') if m in sys.modules))\n"
        "print(seg.segment.__module__, 'sklearn' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["[]", "segmentation.pipeline True"]


@pytest.mark.slow  # a process of its own, fitting the demo shop
def test_the_core_and_its_command_work_without_the_extras(tmp_path):
    """Installed without extras (no sqlglot, DuckDB, Spark or Streamlit), the package imports,
    fits and scores with pandas; an engine that needs an extra says which, in one line."""
    import subprocess
    import sys

    code = f"""
import sys
for name in ("sqlglot", "duckdb", "pyspark", "streamlit", "cachetools"):
    sys.modules[name] = None  # as if not installed
from segmentation.cli import main
out = {str(tmp_path)!r}
assert main(["demo", "--out", out + "/shop.csv"]) == 0
assert main([out + "/shop.csv", "--no-value", "--k", "3", "--recipe", out + "/r.json"]) == 0
assert main(["score", out + "/shop.csv", "--apply-recipe", out + "/r.json"]) == 0
assert main(["score", out + "/shop.csv", "--apply-recipe", out + "/r.json", "--engine",
             "duckdb"]) == 2
assert main(["score", "--apply-recipe", out + "/r.json", "--sql", "spark"]) == 2
"""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        "error: The duckdb engine needs duckdb: pip install 'segmentation[sql]'.",
        "error: Writing the recipe as SQL needs sqlglot: pip install 'segmentation[sql]'.",
    ]
    assert "Traceback" not in done.stderr
