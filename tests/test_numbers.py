import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmentation.errors import DataError
from segmentation.numbers import parse_numbers


def test_parse_numbers_text_with_decimal_comma_and_errors():
    assert parse_numbers(pd.Series(["1,5", "2,25"]), "unit_price")[0].tolist() == [1.5, 2.25]
    assert parse_numbers(pd.Series(["£1,234.50", "3"]), "unit_price")[0].tolist() == [1234.5, 3.0]
    with pytest.raises(DataError, match="1 value of 'quantity' is not a number"):
        parse_numbers(pd.Series(["1", "two"]), "quantity")


# --------------------------------------------------------------------- properties
MARKS = {".": (None, ",", " ", "\u00a0", "'"), ",": (None, ".", " ", "\u00a0")}
NEGATIVES = ("-{}", "\u2212{}", "({})", "{}-")
CURRENCIES = ("{}", "£{}", "{} €", "USD {}", "${}", "{} kr")


def written(cents: int, scale: int, decimal: str, thousands: str | None, sign: str, money: str):
    """``cents / 10**scale`` written in one convention."""
    whole, frac = divmod(abs(cents), 10**scale)
    digits = str(whole)
    if thousands:
        groups = []
        while len(digits) > 3:
            digits, tail = digits[:-3], digits[-3:]
            groups.insert(0, tail)
        digits = thousands.join([digits, *groups])
    text = digits + (f"{decimal}{frac:0{scale}d}" if scale else "")
    text = money.format(text)
    return sign.format(text) if cents < 0 else text


@st.composite
def column_in_one_convention(draw):
    decimal = draw(st.sampled_from(sorted(MARKS)))
    thousands = draw(st.sampled_from(MARKS[decimal]))
    money = draw(st.sampled_from(CURRENCIES))
    sign = draw(st.sampled_from(NEGATIVES))
    values = draw(
        st.lists(
            st.tuples(st.integers(-(10**10), 10**10), st.integers(0, 3)), min_size=1, max_size=6
        )
    )
    texts = [written(c, s, decimal, thousands, sign, money) for c, s in values]
    return texts, [c / 10**s for c, s in values], decimal


@settings(max_examples=300, deadline=None)
@given(column_in_one_convention())
def test_money_in_any_convention_parses_back_or_is_refused(case):
    texts, expected, _ = case
    try:
        parsed, _ = parse_numbers(pd.Series(texts, dtype="str"), "amount")
    except DataError:
        return  # refused (ambiguous values such as 12,500): never another number
    assert parsed.tolist() == pytest.approx(expected, rel=1e-12, abs=1e-12), texts


@settings(max_examples=300, deadline=None)
@given(column_in_one_convention())
def test_the_writers_decimal_mark_reads_every_value_as_written(case):
    texts, expected, decimal = case
    parsed, fmt = parse_numbers(pd.Series(texts, dtype="str"), "amount", decimal=decimal)
    assert parsed.tolist() == pytest.approx(expected, rel=1e-12, abs=1e-12), texts
    assert fmt.decided_by == "your choice"


def test_the_properties_see_both_outcomes():
    """The generator makes columns that parse and columns that are refused (a guard that the
    properties above test something)."""
    from hypothesis import find

    find(column_in_one_convention(), lambda c: _refused(c[0]))
    find(column_in_one_convention(), lambda c: not _refused(c[0]) and len(c[0]) > 2)


def _refused(texts: list[str]) -> bool:
    try:
        parse_numbers(pd.Series(texts, dtype="str"), "amount")
    except DataError:
        return True
    return False
