"""Settings in a link are validated: a bad one is ignored, never a traceback."""

from dashboard.link import _parse


def test_link_values_must_be_ascii_digits_in_range_or_known_names():
    assert _parse("k", "4") == 4
    assert _parse("k", "²") is None  # a digit to str.isdigit, not a number to int
    assert _parse("k", "٣") is None  # Arabic-Indic three: not how a link writes numbers
    assert _parse("k", "1") is None and _parse("k", "31") is None  # out of range
    assert _parse("k", "9" * 400) is None
    assert _parse("seed", "0") == 0 and _parse("seed", "-1") is None
    assert _parse("sample", "99") is None and _parse("sample", "5000") == 5000
    assert _parse("method", "scores") == "scores" and _parse("method", "all") is None
    assert _parse("recency", "log") == "log" and _parse("recency", "exec") is None
