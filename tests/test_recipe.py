"""Recipes are untrusted data: every field is checked, and no value can change the SQL's shape.

A hostile recipe is refused with exit 2 and one line naming the field, on every engine and on
``FILE --apply-recipe``, and writes nothing; text where text belongs (segment names, actions)
is carried as text, never run.
"""

from __future__ import annotations

import copy
import json

import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from segmentation.cli import main
from segmentation.engines.sql import DIALECTS, compile_recipe
from segmentation.method.recipe import Recipe, RecipeError
from tests.conftest import examples
from tests.test_scoring import fitted  # noqa: F401  (the fitted shop and its recipe)

STEAL = "0) UNION SELECT content FROM read_text('/etc/hostname') --"


@pytest.fixture(scope="module")
def saved(fitted):  # noqa: F811
    """The shop file and its recipe as the JSON a user could edit."""
    data, recipe = fitted
    return data, json.loads(recipe.to_json())


def mutate(recipe: dict, path: str, value) -> dict:
    """A copy of ``recipe`` with the field at ``path`` ("scaler.mean.1") set to ``value``."""
    out = copy.deepcopy(recipe)
    *parents, last = path.split(".")
    node = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


HOSTILE = [  # (field, value, what the one line names)
    ("centroids.0.0", STEAL, "centroids[0][0]"),
    ("scaler.mean.1", "1'); COPY t TO '/tmp/x' --", "scaler.mean[1]"),
    ("scaler.scale.2", 0, "scaler.scale[2]"),
    ("scaler.scale", [1.0, 2.0], "scaler.scale"),
    ("centroids.1", [0.1, 0.2, 0.3, 0.4], "centroids[1]"),
    ("centroids", [[0.0, 0.0, 0.0]] * 100_000, "centroids"),
    ("k", 7, "k"),
    ("names.0", {"$sql": "SELECT 1"}, "names.0"),
    ("transforms.monetary.method", "exec", "transforms.monetary.method"),
    ("transforms.frequency.param", "1; DROP", "transforms.frequency.param"),
    ("scores.rules.0.r_min", "1 OR 1=1", "scores.rules[0].r_min"),
    ("scores.rules.0.r_max", 9, "scores.rules[0].r_max"),
    ("scores.edges.monetary.0", "'", "scores.edges.monetary[0]"),
    ("settings.cleaning.refunds", "net' OR '1'='1", "settings.cleaning.refunds"),
    ("settings.cleaning.duplicates", "yes", "settings.cleaning.duplicates"),
    ("method", "everything", "method"),
    ("frequency", "orders; DROP", "frequency"),
    ("evil", 1, "unknown keys"),
    ("reading.roles.weapon", "x", "reading.roles"),
    ("recipe_version", 99, "not a segmentation recipe"),
]


def write(folder, recipe: dict, name: str = "evil.json") -> str:
    path = folder / name
    path.write_text(json.dumps(recipe))
    return str(path)


@pytest.mark.parametrize(("field", "value", "named"), HOSTILE)
def test_a_hostile_recipe_is_refused_in_one_line_on_every_path(
    saved, tmp_path, capsys, field, value, named
):
    data, recipe = saved
    evil = write(tmp_path, mutate(recipe, field, value))
    out = tmp_path / "out.csv"
    for args in (
        ["score", str(data), "--apply-recipe", evil, "--engine", "pandas", "--out", str(out)],
        ["score", str(data), "--apply-recipe", evil, "--engine", "duckdb", "--out", str(out)],
        ["score", "--apply-recipe", evil, "--sql", "spark"],
        [str(data), "--apply-recipe", evil, "--out", str(out)],
    ):
        assert main(args) == 2, args
        captured = capsys.readouterr()
        assert captured.err.startswith("error: ") and captured.err.count("\n") == 1, captured.err
        assert named in captured.err, captured.err
        assert not out.exists()
        assert captured.out == ""


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_numbers_that_are_not_finite_are_refused(saved, constant):
    _, recipe = saved
    text = json.dumps(mutate(recipe, "centroids.0.0", 0.123456789)).replace("0.123456789", constant)
    with pytest.raises(RecipeError, match=constant):
        Recipe.from_json(text)


def test_deeply_nested_or_broken_json_is_one_line():
    with pytest.raises(RecipeError, match="not JSON"):
        Recipe.from_json("[" * 100_000)
    with pytest.raises(RecipeError, match="not JSON"):
        Recipe.from_json("{'single': 'quotes'}")


QUOTES = 'it\'s "quoted" `tick` ’curly’ back\\slash ; -- /* x */ $$ :v0 ?'


def test_text_of_any_kind_in_names_and_actions_is_carried_as_text(saved, tmp_path, capsys):
    data, recipe = saved
    hostile = mutate(recipe, "names.0", QUOTES + " 0")
    hostile = mutate(hostile, "names.1", STEAL)
    hostile["playbook"] = [dict(r, action=QUOTES) for r in hostile["playbook"]]
    evil = write(tmp_path, hostile)
    for engine in ("pandas", "duckdb"):
        out = tmp_path / f"{engine}.csv"
        args = ["score", str(data), "--apply-recipe", evil, "--engine", engine, "--out", str(out)]
        assert main(args) == 0, capsys.readouterr().err
        import pandas as pd

        labels = pd.read_csv(out, dtype=str, keep_default_na=False)
        assert set(labels["segment"]) <= {QUOTES + " 0", STEAL, recipe["names"]["2"]}
        assert (labels["action"].isin([QUOTES, ""])).all()
        assert not labels.apply(lambda c: c.str.contains("localhost|root:", regex=True)).any().any()


def shape(query: str, dialect: str) -> list[str]:
    """The query's tree with its literal values left out (a negative number is written
    ``(-0.6)``: its sign and brackets are part of the value)."""
    tree = sqlglot.parse_one(query, read=dialect)
    value = (exp.Literal, exp.Neg, exp.Paren)
    return [
        type(node).__name__
        for node in tree.walk()
        if not (isinstance(node, value) and all(isinstance(n, value) for n in node.walk()))
    ]


@pytest.fixture(scope="module")
def original_shapes(saved) -> dict[str, list[str]]:
    """The unchanged recipe's query shape in each dialect."""
    original = Recipe.from_dict(saved[1])
    return {d: shape(compile_recipe(original, d), d) for d in DIALECTS}


LEAVES = ["centroids.0.0", "centroids.2.1", "scaler.mean.0", "scaler.scale.1",
          "scores.edges.monetary.2", "names.1", "transforms.frequency.param"]  # fmt: skip


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from(LEAVES),
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10**30), 10**30),
        st.text(max_size=60),
        st.none(),
        st.booleans(),
        st.lists(st.floats(), max_size=3),
    ),
)
def test_any_mutation_is_refused_or_leaves_the_query_s_shape_alone(
    saved, original_shapes, field, value
):
    _, recipe = saved
    try:
        changed = Recipe.from_json(json.dumps(mutate(recipe, field, value)))
    except RecipeError:
        return  # refused with its one line: the property holds
    for dialect in DIALECTS:
        assert shape(compile_recipe(changed, dialect), dialect) == original_shapes[dialect]


def test_a_pareto_nbd_value_part_is_kept_and_applied():
    """A recipe saved with Pareto/NBD keeps its own parameters (s and beta, not a and b) and
    its predictions are the model's own (P(alive) by the published expression)."""
    import pandas as pd

    from segmentation.outcomes.paretonbd import ParetoNBD
    from segmentation.outcomes.value import predict_summary
    from tests.test_paretonbd import reference

    saved = {
        "purchases": {"model": "pnbd", "r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669},
        "spend": {"p": 6.25, "q": 3.74, "gamma": 15.44},
        "horizon_days": 39,
        "discount_rate": 0.0,
        "period_end": "1997-09-30",
    }
    from segmentation.method.recipe import _value

    part = _value(saved)
    assert part.as_saved()["purchases"] == saved["purchases"]
    with pytest.raises(RecipeError, match=r"value\.purchases\.beta"):
        _value({**saved, "purchases": {**saved["purchases"], "beta": None}})
    summary = pd.DataFrame({"x": [2, 0], "t_x": [30.43, 0.0], "T": [38.86, 38.86],
                            "zbar": [20.0, 0.0]}, index=["a", "b"])  # fmt: skip
    got = predict_summary(summary, part.as_saved())
    model = ParetoNBD(0.553, 10.578, 0.606, 11.669, 0.0, 0)
    for i, (x, t_x) in enumerate([(2, 30.43), (0, 0.0)]):  # the note's expressions, 60 digits
        alive, expected = reference(model, 39, x, t_x, 38.86)
        assert got["p_alive"].iloc[i] == pytest.approx(alive, rel=1e-6)
        assert got["expected_purchases_39d"].iloc[i] == pytest.approx(expected, rel=1e-6)
