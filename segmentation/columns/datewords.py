"""Dates written with words: month names, day-period markers (오후, 午前, p.m.), year/month/day
markers (2024年3月12日) and Buddhist-era years, in the languages of the reader's vocabulary.

The month names and day-period markers come from the Unicode CLDR data that Babel ships (full
and abbreviated names, in their format and stand-alone forms, so Polish "marca" and "marzec"
are both March). Values are rewritten, each distinct one once, into ``YYYY-MM-DD HH:MM:SS`` or,
when only a marker or a year needed changing, into the same text in 24-hour time with a
Gregorian year, for the date rules to read.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from babel import Locale
from babel.dates import get_month_names, get_period_names

# Languages whose month names and day periods are read (CLDR locale codes); ar_SY adds the
# Levantine month names (كانون الثاني ...).
LOCALES = (
    "en de fr es pt it nl pl sv da nb fi tr ja zh ko ar ar_SY th id ru uk cs ro hu el ms"
).split()
BUDDHIST_OFFSET = 543  # Thai years: 2567 BE is 2024
BUDDHIST = f"Buddhist-era years ({BUDDHIST_OFFSET} years ahead: 2567 is 2024)"
_BUDDHIST_YEAR = re.compile(r"(?<!\d)(2[4-6]\d\d)(?!\d)")
_CJK = re.compile(r"(\d{2,4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号號]?")
# Times written with unit words (3時5分, 3시 5분 0초, 15 นาฬิกา 05 นาที), and words that mark
# the era or the hour and say nothing more (ค.ศ. "AD", น. "o'clock").
_TIME_WORDS = re.compile(
    r"(\d{1,2})\s*(?:時|时|시|นาฬิกา)\s*(\d{1,2})\s*(?:分|분|นาที)(?:\s*(\d{1,2})\s*(?:秒|초|วินาที))?"
)
_NOISE = re.compile(r"(?<!\w)(?:ค\.ศ\.|น\.|utc|gmt)(?!\w)")
_TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?!\d)")
_LETTER = r"[^\W\d_]"


def fold(text: str) -> str:
    """Lower case without accents (Thai and Arabic marks too), Hangul kept whole."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", text)


def _words(names: dict[str, Any]) -> re.Pattern[str]:
    alternatives = sorted(names, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in alternatives)
    return re.compile(rf"(?<!{_LETTER})(?:{body})(?!{_LETTER})")


def _language(code: str) -> str:
    return Locale.parse(code).english_name or code


@functools.cache
def months() -> tuple[dict[str, tuple[int, tuple[str, ...]]], re.Pattern[str]]:
    """Every month name (folded, with and without its final dot) -> (month, the languages
    that have it)."""
    found: dict[str, set[tuple[int, str]]] = {}
    for code in LOCALES:
        language = _language(code)
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for month, name in get_month_names(width, context, code).items():
                    if any(ch.isdigit() for ch in name):
                        continue  # 3月, 3월: read by the year/month/day markers
                    for form in {fold(name), fold(name).rstrip(".")}:
                        if len(form) >= 3 or not form.isascii():
                            found.setdefault(form, set()).add((month, language))
    return _one_meaning(found), _words(_one_meaning(found))


def _one_meaning(found: dict[str, set[tuple[Any, str]]]) -> dict[str, tuple[Any, tuple[str, ...]]]:
    """Word -> (meaning, the languages that have it, in ``LOCALES`` order); a word two
    languages give different meanings means nothing."""
    order: dict[str, int] = {}
    for code in LOCALES + PERIOD_LOCALES:
        order.setdefault(_language(code), len(order))
    table: dict[str, tuple[Any, tuple[str, ...]]] = {}
    for word, meanings in found.items():
        if len({meaning for meaning, _ in meanings}) == 1:
            languages = tuple(sorted({lang for _, lang in meanings}, key=order.__getitem__))
            table[word] = (next(iter(meanings))[0], languages)
    return table


# Languages whose before-noon / after-noon markers are read; the others' are short words of
# other meanings (Hungarian "de.") or the English ones.
PERIOD_LOCALES = "en es nl sv fi tr ja zh ko ar th el ru uk cs ms".split()


@functools.cache
def periods() -> tuple[dict[str, tuple[str, tuple[str, ...]]], re.Pattern[str]]:
    """Every before-noon / after-noon marker (lower case, spaces as written or none) ->
    ("am" | "pm", the languages that have it)."""
    found: dict[str, set[tuple[str, str]]] = {}
    for form, period in (("a.m.", "am"), ("p.m.", "pm")):
        found.setdefault(form, set()).add((period, "English"))
    for code in PERIOD_LOCALES:
        language = _language(code)
        for width in ("abbreviated", "wide"):
            names = get_period_names(width, "format", code)
            for period in ("am", "pm"):
                if period in names:
                    name = unicodedata.normalize("NFKC", names[period]).casefold()
                    for form in {name, name.replace(" ", "")}:
                        found.setdefault(form, set()).add((period, language))
    table = _one_meaning(found)
    return table, _words(table)


def _hour(hour: int, period: str | None) -> int:
    if period == "pm" and hour < 12:
        return hour + 12
    if period == "am" and hour == 12:
        return 0
    return hour


def _year(year: int) -> int:
    if year < 100:
        return year + (2000 if year < 69 else 1900)
    return year - BUDDHIST_OFFSET if 2400 <= year < 2700 else year


Said = dict[str, tuple[str, ...]]  # what was understood -> the languages that explain it


def _say(said: Said, topic: str, languages: tuple[str, ...]) -> None:
    """Keep only the languages that explain every value so far."""
    known = said.get(topic)
    said[topic] = languages if known is None else tuple(x for x in known if x in languages) or known


def said_in_words(said: Said) -> tuple[str, ...]:
    """The notes: each topic with the first language that explains the whole column."""
    return tuple(sorted(f"{t} ({langs[0]})" if langs else t for t, langs in said.items()))


@functools.lru_cache(maxsize=65536)
def _date_of(text: str) -> tuple[tuple[int, int, int] | None, tuple[tuple[str, tuple], ...]]:
    """The (year, month, day) a date written with markers or a month name gives (its time
    already taken out), and what was understood; cached, as dates repeat under many times."""
    if cjk := _CJK.search(text):
        return (int(cjk[1]), int(cjk[2]), int(cjk[3])), (("year, month and day markers", ()),)
    text = fold(text)
    month_names, month_re = months()
    found = list(month_re.finditer(text))
    if not found:
        return None, ()
    month, languages = month_names[found[-1][0]]
    numbers = re.findall(r"\d+", month_re.sub(" ", text))
    if len(numbers) != 2:
        return None, ()
    day, year = numbers[::-1] if len(numbers[0]) == 4 else numbers
    return (int(year), month, int(day)), (("month names", languages),)


def rewrite(value: str, said: Said) -> str:
    """``value`` as text the date rules read; what was understood is added to ``said``."""
    text = unicodedata.normalize("NFKC", value).casefold()
    text = _NOISE.sub(" ", _TIME_WORDS.sub(_clock, text))
    period, changed = None, False
    time = _TIME.search(text)
    if time and (marker := periods()[1].search(text)):
        period, languages = periods()[0][marker[0]]
        _say(said, f"12-hour times '{marker[0]}'", languages)
        text, changed = f"{text[: marker.start()]} {text[marker.end() :]}", True
        time = _TIME.search(text)
    rest = f"{text[: time.start()]} {text[time.end() :]}" if time else text
    date, understood = _date_of(rest)
    for topic, languages in understood:
        _say(said, topic, languages)
    hour, minute, second = (0, "00", "")
    if time:
        hour, minute, second = _hour(int(time[1]), period), time[2], time[3]
    if date is not None:
        year, month, day = date
        if 2400 <= year < 2700:
            _say(said, BUDDHIST, ())
        return f"{_year(year):04d}-{month:02d}-{day:02d} {hour:02d}:{minute}:{second or '00'}"
    if changed and time:  # the date first, then the time in 24 hours
        value = " ".join(f"{rest} {hour:02d}:{minute}{':' + second if second else ''}".split())
    if _BUDDHIST_YEAR.search(value):
        value = _BUDDHIST_YEAR.sub(lambda m: str(int(m[1]) - BUDDHIST_OFFSET), value)
        _say(said, BUDDHIST, ())
    return value


def _clock(m: re.Match[str]) -> str:
    return f"{m[1]}:{int(m[2]):02d}:{int(m[3] or 0):02d}"
