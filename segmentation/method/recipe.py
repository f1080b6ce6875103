"""A recipe as data: everything needed to label another file the same way, typed and checked.

Recipes travel (next month's file, another team, a warehouse job), so a recipe file is read
like any untrusted input: every field is checked (finite numbers, lengths that agree with the
metrics and with ``k``, known transforms with valid parameters, known methods, text where text
belongs, no unknown keys), older versions are migrated, and anything else is refused with one
line naming the field. What comes out is a frozen :class:`Recipe`; every consumer (the pandas
path, the SQL compiler, movement, the value models) takes it, never the JSON's dict.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal, overload

from ..errors import SettingsError
from ..settings import METHODS, METRICS, PURCHASE_MODELS, CleaningOptions, ScoreEdges
from .transforms import TRANSFORMS

RECIPE_VERSION = 4
FREQUENCIES = ("invoices", "lines", "days")
FITTED = ("boxcox", "yeojohnson")  # the transforms that carry a fitted parameter
MAX_K = 50
MAX_TEXT = 2000
MAX_ITEMS = 1000


class RecipeError(SettingsError):
    """A recipe file that is not a recipe this tool can use; the message names the field."""


# --------------------------------------------------------------------------- the parts
@dataclass(frozen=True)
class Transform:
    method: str
    param: float | None


@dataclass(frozen=True)
class KMeansPart:
    """The fitted transforms, the scaler and the centroids (standardised units), and the
    segment name of each cluster."""

    transforms: tuple[Transform, ...]  # one per metric, in METRICS order
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    centroids: tuple[tuple[float, ...], ...]
    names: tuple[str, ...]  # the name of cluster 0, 1, ...

    @property
    def k(self) -> int:
        return len(self.centroids)


@dataclass(frozen=True)
class ScoresPart:
    edges: ScoreEdges
    rules: tuple[tuple[str, int, int, int, int, int, int], ...]


@dataclass(frozen=True)
class ValuePart:
    """The value models' fitted parameters and the horizon they forecast."""

    model: str
    purchases: tuple[tuple[str, float], ...]  # the model's parameters, by name
    p: float
    q: float
    gamma: float
    horizon_days: float
    discount_rate: float
    period_end: str

    def as_saved(self) -> dict[str, Any]:
        """The parameters in the form the value models read."""
        return {
            "purchases": {"model": self.model, **dict(self.purchases)},
            "spend": {"p": self.p, "q": self.q, "gamma": self.gamma},
            "horizon_days": self.horizon_days,
            "discount_rate": self.discount_rate,
            "period_end": self.period_end,
        }  # fmt: skip


@dataclass(frozen=True)
class Reading:
    """How the fit's file was read: each role's column, the notes, the contact fields and the
    reading options, so another file of the same export is read the same way."""

    roles: tuple[tuple[str, str], ...]
    notes: tuple[tuple[str, str], ...] = ()
    contacts: tuple[str, ...] = ()
    sheet: str | int | None = None
    dayfirst: bool | None = None
    decimal: str | None = None
    currency: str | None = None
    encoding: str | None = None
    statuses: tuple[tuple[str, str, str], ...] = ()  # (column or "", value, meaning)
    codes: tuple[str, ...] | None = None  # the decisions, one per note (None: older recipes)

    @property
    def role_columns(self) -> dict[str, str]:
        return dict(self.roles)


@dataclass(frozen=True)
class Recipe:
    cleaning: CleaningOptions
    snapshot: str | None
    frequency: str | None
    method: str
    kmeans: KMeansPart | None
    scores: ScoresPart | None
    playbook: tuple[tuple[str, int, str, str], ...]
    value: ValuePart | None
    reading: Reading | None
    source: Mapping[str, Any]  # the checked JSON, migrated, for writing back

    @classmethod
    def from_json(cls, text: str | bytes) -> Recipe:
        try:
            data = json.loads(text, parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:
            raise RecipeError(f"The recipe file is not JSON ({str(exc)[:80]}).") from exc
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> Recipe:
        return _recipe(_migrate(data))

    def to_json(self) -> str:
        return json.dumps(self.source, indent=2, default=str)


# --------------------------------------------------------------------------- checking
def _no_constant(name: str) -> None:
    raise RecipeError(f"The recipe holds {name}, which is not a number.")


def _fail(field: str, what: str) -> RecipeError:
    return RecipeError(f"The recipe's {field} {what}.")


def _dict(value: Any, field: str, allowed: set[str] | None = None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(field, "must be an object")
    if allowed is not None:
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise _fail(field, f"has unknown keys ({', '.join(unknown[:3])[:80]})")
    return value


def _list(value: Any, field: str, length: int | None = None, most: int = MAX_ITEMS) -> list:
    if not isinstance(value, list):
        raise _fail(field, "must be a list")
    if length is not None and len(value) != length:
        raise _fail(field, f"must have {length} items (has {len(value)})")
    if len(value) > most:
        raise _fail(field, f"has {len(value):,} items, more than {most:,}")
    return value


def _num(value: Any, field: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(field, f"must be a number (is {_shown(value)})")
    number = float(value)
    if not math.isfinite(number):
        raise _fail(field, "must be a finite number")
    if positive and number <= 0:
        raise _fail(field, "must be above zero")
    return number


def _int(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(field, f"must be a whole number from {low} to {high} (is {_shown(value)})")
    return value


@overload
def _text(value: Any, field: str, optional: Literal[False] = False) -> str: ...
@overload
def _text(value: Any, field: str, optional: bool) -> str | None: ...
def _text(value: Any, field: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise _fail(field, f"must be text (is {_shown(value)})")
    return value


@overload
def _choice(value: Any, field: str, choices, optional: Literal[False] = False) -> str: ...
@overload
def _choice(value: Any, field: str, choices, optional: bool) -> str | None: ...
def _choice(value: Any, field: str, choices, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if value not in choices:
        raise _fail(field, f"must be one of {', '.join(choices)} (is {_shown(value)})")
    return value


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _migrate(data: Any) -> dict[str, Any]:
    recipe = dict(_dict(data, "file"))
    version = recipe.get("recipe_version")
    if version == 1:  # cancellations on/off became the refunds setting
        settings = dict(_dict(recipe.get("settings"), "settings"))
        cleaning = dict(_dict(settings.get("cleaning"), "settings.cleaning"))
        cleaning["refunds"] = "drop" if cleaning.pop("cancellations", True) else "keep"
        cleaning.setdefault("not_purchase", True)
        recipe["settings"] = {**settings, "cleaning": cleaning}
        version = 2
    if version == 2:  # K-Means only; scores and the playbook came in version 3
        recipe["method"] = "kmeans"
        version = 3
    if version == 3:  # how the file was read came in version 4 (the SQL engines need it)
        version = RECIPE_VERSION
    if version != RECIPE_VERSION:
        raise RecipeError(
            "The recipe file is not a segmentation recipe saved by this tool (or one of a "
            f"newer version than {RECIPE_VERSION})."
        )
    recipe["recipe_version"] = RECIPE_VERSION
    return recipe


TOP_KEYS = {
    "recipe_version", "settings", "snapshot_rule", "snapshot_used", "frequency", "method",
    "transforms", "scaler", "k", "centroids", "names", "scores", "playbook", "value",
    "reading", "versions",
}  # fmt: skip


def _recipe(data: dict[str, Any]) -> Recipe:
    _dict(data, "file", TOP_KEYS)
    settings = _dict(data.get("settings"), "settings")
    cleaning_data = _dict(
        settings.get("cleaning"), "settings.cleaning", {f.name for f in fields(CleaningOptions)}
    )
    for key, value in cleaning_data.items():
        if key == "refunds":
            _choice(value, "settings.cleaning.refunds", ("net", "drop", "keep"))
        elif not isinstance(value, bool):
            raise _fail(f"settings.cleaning.{key}", "must be true or false")
    snapshot = _text(settings.get("snapshot"), "settings.snapshot", optional=True)
    if snapshot is not None:
        _date(snapshot, "settings.snapshot")
    method = _choice(data.get("method"), "method", METHODS)
    frequency = _choice(data.get("frequency"), "frequency", FREQUENCIES, optional=True)
    kmeans = _kmeans(data) if method in ("both", "kmeans") else None
    scores = _scores(data) if method in ("both", "scores") else None
    playbook = tuple(
        (
            _text(_dict(row, f"playbook[{i}]").get("segment"), f"playbook[{i}].segment"),
            _int(row.get("rank", 0), f"playbook[{i}].rank", 0, 10_000),
            _text(row.get("description", ""), f"playbook[{i}].description"),
            _text(row.get("action", ""), f"playbook[{i}].action"),
        )
        for i, row in enumerate(_list(data.get("playbook", []), "playbook"))
    )
    value = _value(data["value"]) if data.get("value") is not None else None
    reading = _reading(data["reading"]) if data.get("reading") is not None else None
    return Recipe(
        CleaningOptions(**cleaning_data),
        snapshot,
        frequency,
        method,
        kmeans,
        scores,
        playbook,
        value,
        reading,
        data,
    )


def _date(text: str, field: str) -> None:
    import datetime

    try:
        datetime.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise _fail(field, f"must be a date (is {_shown(text)})") from exc


def _kmeans(data: Mapping[str, Any]) -> KMeansPart:
    transforms_data = _dict(data.get("transforms"), "transforms", set(METRICS))
    transforms = []
    for metric in METRICS:
        t = _dict(transforms_data.get(metric), f"transforms.{metric}", {"method", "param"})
        name = _choice(t.get("method"), f"transforms.{metric}.method", TRANSFORMS)
        param = None
        if name in FITTED:
            param = _num(t.get("param"), f"transforms.{metric}.param")
            if abs(param) > 100:
                raise _fail(f"transforms.{metric}.param", "is far outside any fitted lambda")
        transforms.append(Transform(name, param))
    scaler = _dict(data.get("scaler"), "scaler", {"mean", "scale", "columns"})
    n = len(METRICS)
    mean = tuple(
        _num(v, f"scaler.mean[{i}]")
        for i, v in enumerate(_list(scaler.get("mean"), "scaler.mean", n))
    )
    scale = tuple(
        _num(v, f"scaler.scale[{i}]", positive=True)
        for i, v in enumerate(_list(scaler.get("scale"), "scaler.scale", n))
    )
    rows = _list(data.get("centroids"), "centroids", most=MAX_K)
    if not rows:
        raise _fail("centroids", "must not be empty")
    centroids = tuple(
        tuple(
            _num(v, f"centroids[{j}][{i}]") for i, v in enumerate(_list(row, f"centroids[{j}]", n))
        )
        for j, row in enumerate(rows)
    )
    k = data.get("k", len(centroids))
    if k != len(centroids):
        raise _fail("k", f"says {_shown(k)} segments but there are {len(centroids)} centroids")
    names_data = _dict(data.get("names"), "names")
    names = []
    for j in range(len(centroids)):
        names.append(_text(names_data.get(str(j)), f"names.{j}"))
    extra = sorted(set(map(str, names_data)) - {str(j) for j in range(len(centroids))})
    if extra:
        raise _fail("names", f"names clusters that do not exist ({', '.join(extra[:3])[:40]})")
    return KMeansPart(tuple(transforms), mean, scale, centroids, tuple(names))


def _scores(data: Mapping[str, Any]) -> ScoresPart:
    from .scores import RULE_COLUMNS

    part = _dict(data.get("scores"), "scores", {"edges", "rules"})
    edges_data = _dict(
        part.get("edges"), "scores.edges", {"recency", "frequency", "monetary", "fixed_frequency"}
    )
    for metric in ("recency", "frequency", "monetary"):
        for i, v in enumerate(_list(edges_data.get(metric), f"scores.edges.{metric}", 4)):
            _num(v, f"scores.edges.{metric}[{i}]")
    if not isinstance(edges_data.get("fixed_frequency", False), bool):
        raise _fail("scores.edges.fixed_frequency", "must be true or false")
    try:
        edges = ScoreEdges.from_dict(edges_data)
    except SettingsError as exc:
        raise _fail("scores.edges", f"are not usable: {exc}") from exc
    rules: list[tuple[str, int, int, int, int, int, int]] = []
    for i, row in enumerate(_list(part.get("rules"), "scores.rules")):
        row = _dict(row, f"scores.rules[{i}]", set(RULE_COLUMNS))
        name = _text(row.get("segment"), f"scores.rules[{i}].segment")
        r0, r1, f0, f1, m0, m1 = (
            _int(row.get(c), f"scores.rules[{i}].{c}", 1, 5) for c in RULE_COLUMNS[1:]
        )
        rules.append((name, r0, r1, f0, f1, m0, m1))
    return ScoresPart(edges, tuple(rules))


def _value(data: Any) -> ValuePart:
    value = _dict(data, "value", {"purchases", "spend", "horizon_days", "discount_rate",
                                  "period_end", "model_choice", "holdout"})  # fmt: skip
    purchases = _dict(value.get("purchases"), "value.purchases")
    spend = _dict(value.get("spend"), "value.spend")
    model = _choice(purchases.get("model", "bgnbd"), "value.purchases.model", PURCHASE_MODELS)
    fitted = tuple(
        (name, _num(purchases.get(name), f"value.purchases.{name}", positive=True))
        for name in PURCHASE_MODELS[model][1]
    )
    params = {
        name: _num(spend.get(name), f"value.spend.{name}", positive=True)
        for name in ("p", "q", "gamma")
    }
    horizon = _num(value.get("horizon_days", 365), "value.horizon_days", positive=True)
    if horizon > 50 * 366:
        raise _fail("value.horizon_days", "must be at most 50 years")
    rate = _num(value.get("discount_rate", 0.0), "value.discount_rate")
    if not 0 <= rate < 1:
        raise _fail("value.discount_rate", "must be from 0 to below 1")
    end = _text(value.get("period_end"), "value.period_end")
    _date(end, "value.period_end")
    return ValuePart(
        model, fitted, **params, horizon_days=horizon, discount_rate=rate, period_end=end
    )


def _reading(data: Any) -> Reading:
    from ..columns.roles import ROLES

    reading = _dict(data, "reading", {"roles", "notes", "codes", "contacts", "sheet",
                                      "dayfirst", "decimal", "currency", "encoding",
                                      "statuses"})  # fmt: skip
    roles = _dict(reading.get("roles"), "reading.roles", set(ROLES))
    roles_checked = tuple((r, _text(c, f"reading.roles.{r}")) for r, c in roles.items())
    notes = tuple(
        (
            _text(_list(n, f"reading.notes[{i}]", 2)[0], f"reading.notes[{i}]"),
            _text(n[1], f"reading.notes[{i}]"),
        )
        for i, n in enumerate(_list(reading.get("notes", []), "reading.notes"))
    )
    contacts = tuple(
        _text(c, f"reading.contacts[{i}]")
        for i, c in enumerate(_list(reading.get("contacts", []), "reading.contacts"))
    )
    sheet = reading.get("sheet")
    if (sheet is not None and not isinstance(sheet, str | int)) or isinstance(sheet, bool):
        raise _fail("reading.sheet", "must be a sheet name or number")
    dayfirst = reading.get("dayfirst")
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise _fail("reading.dayfirst", "must be true or false")
    decimal = _choice(reading.get("decimal"), "reading.decimal", (".", ","), optional=True)
    currency = _text(reading.get("currency"), "reading.currency", optional=True)
    encoding = _text(reading.get("encoding"), "reading.encoding", optional=True)
    statuses = tuple(
        (
            _text(_list(s, f"reading.statuses[{i}]", 3)[0], f"reading.statuses[{i}]"),
            _text(s[1], f"reading.statuses[{i}]"),
            _choice(s[2], f"reading.statuses[{i}]", ("sale", "void", "refund", "refunded")),
        )
        for i, s in enumerate(_list(reading.get("statuses") or [], "reading.statuses"))
    )
    codes = None
    if reading.get("codes") is not None:
        codes = tuple(
            _text(c, f"reading.codes[{i}]")
            for i, c in enumerate(_list(reading["codes"], "reading.codes", len(notes)))
        )
    return Reading(
        roles_checked, notes, contacts, sheet, dayfirst, decimal, currency, encoding, statuses,
        codes,
    )  # fmt: skip
