import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from segmentation.columns.numbers import parse_numbers
from segmentation.errors import DataError
from tests.conftest import examples


def test_parse_numbers_text_with_decimal_comma_and_errors():
    assert parse_numbers(pd.Series(["1,5", "2,25"]), "unit_price")[0].tolist() == [1.5, 2.25]
    assert parse_numbers(pd.Series(["£1,234.50", "3"]), "unit_price")[0].tolist() == [1234.5, 3.0]
    with pytest.raises(DataError, match="1 value of 'quantity' is not a number"):
        parse_numbers(pd.Series(["1", "two"]), "quantity")


# --------------------------------------------------------------------- properties
MARKS = {
    ".": (None, ",", " ", "\u00a0", "'", "\u2019", "\u2009"),
    ",": (None, ".", " ", "\u00a0", "\u202f"),
}
NEGATIVES = ("-{}", "\u2212{}", "({})", "{}-", "\u2013{}", "\uff0d{}")
CURRENCIES = ("{}", "£{}", "{} €", "USD {}", "${}", "{} kr", "R$ {}", "{} zł", "CHF {}", "{} ₺")
# Zero of each script (Arabic-Indic, Persian, Devanagari, Bengali, Thai, full-width), with the
# marks its writers use in place of "." and ",".
SCRIPTS = {
    "0": {},
    "\u0660": {".": "\u066b", ",": "\u066c"},
    "\u06f0": {".": "\u066b", ",": "\u066c"},
    "\u0966": {},
    "\u09e6": {},
    "\u0e50": {},
    "\uff10": {".": "\uff0e", ",": "\uff0c"},
}


def in_script(text: str, zero: str) -> str:
    """``text`` with its ASCII digits and marks written in the script whose zero is ``zero``."""
    digits = {str(d): chr(ord(zero) + d) for d in range(10)}
    return "".join(digits.get(c, SCRIPTS[zero].get(c, c)) for c in text)


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
    zero = draw(st.sampled_from(sorted(SCRIPTS)))
    values = draw(
        st.lists(
            st.tuples(st.integers(-(10**10), 10**10), st.integers(0, 3)), min_size=1, max_size=6
        )
    )
    texts = [in_script(written(c, s, decimal, thousands, sign, money), zero) for c, s in values]
    return texts, [c / 10**s for c, s in values], decimal


def whole_below_1000_beside_three_decimals(texts: list[str], expected: list[float]) -> bool:
    """The one mixture the reader takes for grouping (Excel's ``#,##0``): five or more distinct
    whole numbers below 1,000, written without a mark, beside values with three decimals."""
    plain = {abs(v) for t, v in zip(texts, expected, strict=True) if v == int(v) and abs(v) < 1000}
    return len(plain) >= 5 and max(plain) >= 100


@settings(max_examples=examples(300), deadline=None)
@given(column_in_one_convention())
def test_money_in_any_convention_parses_back_or_is_refused(case):
    texts, expected, _ = case
    assume(not whole_below_1000_beside_three_decimals(texts, expected))
    try:
        parsed, _ = parse_numbers(pd.Series(texts, dtype="str"), "amount")
    except DataError:
        return  # refused (ambiguous values such as 12,500): never another number
    assert parsed.tolist() == pytest.approx(expected, rel=1e-12, abs=1e-12), texts


@settings(max_examples=examples(300), deadline=None)
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


# --------------------------------------------------------------------- the world's ways
def parsed(values: list[str], **options) -> list[float]:
    return parse_numbers(pd.Series(values, dtype="str"), "amount", **options)[0].tolist()


def test_digits_of_other_scripts_with_their_own_marks():
    # Arabic-Indic: ١٬٢٣٤٫٥٠ is 1,234.50 (٫ decimal, ٬ group); Persian digits alike.
    assert parsed(["١٬٢٣٤٫٥٠", "٩٫٩٩"]) == [1234.5, 9.99]
    assert parsed(["۱۲۳۴٫۵", "۷"]) == [1234.5, 7.0]
    assert parsed(["१२,३४५.६७"]) == [12345.67]  # Devanagari
    assert parsed(["１２３４．５０", "－５"]) == [1234.5, -5.0]  # full-width, full-width minus


def test_apostrophe_and_thin_space_grouping():
    assert parsed(["1’234.50", "CHF 12’000.00"]) == [1234.5, 12000.0]
    assert parsed(["1\u2009234,50", "7,00"]) == [1234.5, 7.0]


def test_every_minus_form_is_a_minus():
    assert parsed(["\u20125", "\u22125", "5\u2013", "\ufe635"]) == [-5.0, -5.0, -5.0, -5.0]


def test_currency_signs_and_codes_beyond_the_common_ones():
    cases = {
        "12 000 ₸": (12000.0, "KZT"),
        "₴120": (120.0, "UAH"),
        "12,50 лв": (12.5, "BGN"),
        "RM 12.00": (12.0, "MYR"),
        "S/ 12.00": (12.0, "PEN"),
        "100元": (100.0, "CNY"),
        "1 500 Ft": (1500.0, "HUF"),
        "12.00 KWD": (12.0, "KWD"),
    }
    for text, (number, currency) in cases.items():
        values, fmt = parse_numbers(pd.Series([text]), "amount")
        assert (values[0], fmt.currency) == (number, currency), text


def test_a_currency_without_minor_units_groups_with_its_mark():
    # Won, yen and rupiah are written without decimals: 12,000 won is twelve thousand.
    assert parsed(["₩12,000", "₩3,500"]) == [12000.0, 3500.0]
    assert parsed(["JPY 1.500"]) == [1500.0]
    assert parsed(["Rp 15.000"]) == [15000.0]
    # A three-decimal currency decides nothing: 1.250 dinar may be either.
    with pytest.raises(DataError, match="decimal mark"):
        parsed(["BHD 1.250"])


def test_a_sign_the_code_page_lost_is_read_and_said():
    # Shift_JIS writes the yen sign on the backslash's byte.
    values, fmt = parse_numbers(pd.Series(["\\1,200", "\\980"]), "amount")
    assert values.tolist() == [1200.0, 980.0]
    assert fmt.currency == "JPY/KRW" and "yen or won" in fmt.remarks[0]
    values, fmt = parse_numbers(pd.Series(["?12.50", "?3.00"]), "amount")
    assert values.tolist() == [12.5, 3.0]
    assert fmt.currency is None and "code page lost" in fmt.remarks[0]


def test_units_after_numbers_are_set_aside_and_named():
    values, fmt = parse_numbers(pd.Series(["2x", "1.5 kg", "3", "2 pcs"]), "quantity")
    assert values.tolist() == [2.0, 1.5, 3.0, 2.0]
    assert fmt.remarks == ("units written after the numbers set aside (kg, pcs, x)",)
    assert parsed(["$44.00/kg", "$16.50"]) == [44.0, 16.5]
    # A multiplier is not a unit: "1.2m" is refused rather than read as 1.2.
    with pytest.raises(DataError, match="not a number"):
        parsed(["$1.2m"])


def test_whole_amounts_grouped_from_a_thousand_up_are_read_as_grouped():
    # Excel's #,##0: values below 1,000 have no mark, values from 1,000 have one before three
    # digits. Read with ',' as the decimal mark, 850 and 1.307 would sit in one money column.
    values, fmt = parse_numbers(
        pd.Series(["1,307", "850", "120", "999", "450", "300", "39,759"]), "amount"
    )
    assert values.tolist() == [1307.0, 850.0, 120.0, 999.0, 450.0, 300.0, 39759.0]
    assert "groups thousands" in fmt.decided_by
    # A whole number of four digits written without a mark: the writer does not group.
    assert parsed(["1,307", "1500"]) == [1.307, 1500.0]
    # Too few whole numbers to tell: still asked.
    with pytest.raises(DataError, match="decimal mark"):
        parsed(["1,307", "850", "39,759"])
