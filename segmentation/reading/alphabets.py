"""How plausible a decoded text is: the letters beyond ASCII that each language writes, as data.

A single-byte code page decodes any bytes into some text, so "it decodes" proves nothing: a
Turkish file (Windows-1254) read as Windows-1252 turns "Şükrü" into "Þükrü" without an error.
The right decoding is the one whose letters one language writes together. Multi-byte code pages
(Shift_JIS, EUC-KR, GBK, Big5) are judged the same way by their common core: text decoded with
the wrong one lands in the rarely used characters of the other's extension area.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

# Letters beyond ASCII (lower case; upper case is derived), by language.
LETTERS = {
    "English": "",
    "French": "àâæçéèêëîïôœùûüÿ",
    "German": "äöüß",
    "Spanish": "áéíñóúü",
    "Portuguese": "áâãàçéêíóôõú",
    "Italian": "àèéìíîòóùú",
    "Dutch": "éëïóöü",
    "Danish and Norwegian": "æøåéó",
    "Swedish": "åäöé",
    "Finnish": "åäöšž",
    "Icelandic": "áðéíóúýþæö",
    "Catalan": "àçèéíïòóúü·",
    "Polish": "ąćęłńóśźż",
    "Czech and Slovak": "áäčďéěíĺľňóôŕřšťúůýž",
    "Hungarian": "áéíóöőúüű",
    "Romanian": "ăâîșțşţ",
    "Croatian and Slovenian": "čćđšž",
    "Turkish": "çğıiöşüâîİ",
    "Estonian": "äõöüšž",
    "Latvian": "āčēģīķļņšūž",
    "Lithuanian": "ąčęėįšųūž",
    "Russian": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "Ukrainian": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя’",
    "Bulgarian": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "Serbian": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "Greek": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς",
    "Hebrew": "אבגדהוזחטיכךלמםנןסעפףצץקרשת",
    "Arabic": "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيًٌٍَُِّْ٠١٢٣٤٥٦٧٨٩،؛؟ـپچژگکی",
    "Thai": "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรฤลฦวศษสหฬอฮฯะัาำิีึืฺุู฿เแโใไๅๆ็่้๊๋์ํ๎๏๐๑๒๓๔๕๖๗๘๙",
    "Vietnamese": "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ",
}
# Signs any export may carry whatever its language.
COMMON = set("€£¥¢$°²³µ«»–—‘’‚“”„•…©®™§¶×÷±½¼¾¹ºª¡¿\u00a0\u00ad·|")
# The common core of each multi-byte code page: its national standard.
CORE = {
    "cp949": "euc_kr",
    "uhc": "euc_kr",
    "johab": "euc_kr",
    "gb18030": "gb2312",
    "gbk": "gb2312",
    "big5hkscs": "big5",
    "cp950": "big5",
    "cp932": "shift_jis",
    "euc_jis_2004": "euc_jp",
    "shift_jis_2004": "shift_jis",
}
MULTIBYTE = frozenset(CORE.values()) | {"euc_jp", "iso2022_jp", "hz", "euc_jisx0213"}
_ASCII = "abcdefghijklmnopqrstuvwxyz"
_LATIN = {lang for lang, letters in LETTERS.items() if all(ch < "ɏ" for ch in letters)}
_ALPHABETS = [
    frozenset(letters + letters.upper() + (_ASCII + _ASCII.upper() if lang in _LATIN else ""))
    for lang, letters in LETTERS.items()
]
_WORD = re.compile(r"[^\W\d_]+")


def plausibility(text: str, encoding: str) -> tuple[float, float]:
    """How much the text reads as real languages, as ``(words, languages)``, each 0 to 1.

    ``words``: the share of the words beyond ASCII (by occurrence) spelt in the letters of some
    language (for a multi-byte code page: held in its common core). ``languages``: the share
    that two languages spell together; a file is written in one or two, while a wrong code page
    scatters its words over many (Turkish read as Windows-1257 spells "Žükrü" in Estonian and
    "Yżlmaz" in Polish). Text without such words is ``(1, 1)``. Between readings that spell
    every word in one alphabet each (Cyrillic, Hebrew or Thai letters), the detector decides.
    """
    words = Counter(w for w in _WORD.findall(text) if not w.isascii())
    total = sum(words.values())
    # A vowel sign or tone mark can only follow a letter (Thai: a consonant): one after a space,
    # a digit or a leading vowel is a byte of another code page. Each counts as a wrong word.
    # So is a sign glued to a letter ("M〕ler", "Fran㎜is", "╦Ē").
    total += len(_ORPHAN_MARK.findall(text)) + len(_GLUED.findall(text))
    if not total:
        return 1.0, 1.0
    name = codec_name(encoding)
    if name in CORE or name in MULTIBYTE:
        core = CORE.get(name, name)
        share = sum(n for w, n in words.items() if _in_core_word(w, core)) / total
        return share, share
    spelt = [
        frozenset(w for w in words if set(w) <= alphabet and not _case_inside(w))
        for alphabet in _ALPHABETS
    ]
    anyone = frozenset().union(*spelt)
    pairs = max(sum(words[w] for w in a | b) for i, a in enumerate(spelt) for b in spelt[i:])
    # An upper-case letter beyond ASCII after a lower-case one ("RenÇe") is a byte of another
    # code page.
    return sum(words[w] for w in anyone) / total, pairs / total


_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0300-\u036f"
_ORPHAN_MARK = re.compile(rf"(?:^|(?<=[^\w{_MARKS}])|(?<=[\d_เแโใไ]))[{_MARKS}]", re.M)
# Signs a wrong code page puts inside words: Latin-1 signs, general punctuation, letterlike and
# technical signs, box drawing, CJK symbols and full-width punctuation (less those in COMMON).
_SIGN = (
    "(?![" + "".join(re.escape(ch) for ch in sorted(COMMON)) + "])"
    "[\u00a1-\u00bf\u00d7\u00f7\u2010-\u205e\u2100-\u2bff\u3000-\u303f\u3200-\u33ff"
    "\ufe30-\ufe4f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\ufffd]"
)
_GLUED = re.compile(rf"(?<=[^\W\d_]){_SIGN}|{_SIGN}(?=[^\W\d_])")
# Latin letters against ideographs or Hangul in one word ("Ren縒", Western text read as a CJK
# code page); kana beside Latin is Japanese as written ("Tシャツ").
_LATIN_AROUND = re.compile(
    r"[A-Za-z][\u3000-\u303f\u3100-\u9fff\uac00-\ud7af\uf900-\ufaff\uff01-\uff5e]"
    r"|[\u3000-\u303f\u3100-\u9fff\uac00-\ud7af\uf900-\ufaff\uff01-\uff5e][A-Za-z]"
)


def _case_inside(word: str) -> bool:
    return any(a.islower() and b.isupper() and ord(b) > 127 for a, b in pairwise(word))


def _in_core_word(word: str, core: str) -> bool:
    """A word of a multi-byte code page: its characters in the core, and none of them between
    two Latin letters (Western text read as Shift_JIS turns "Renée" into "Ren縒e")."""
    return not _LATIN_AROUND.search(word) and all(
        _in_core(ch, core) for ch in word if ord(ch) > 127
    )


def codec_name(encoding: str) -> str:
    import codecs

    try:
        return codecs.lookup(encoding).name.replace("-", "_")
    except LookupError:
        return encoding


def _in_core(ch: str, encoding: str) -> bool:
    """Whether a character is one of the code page's own two-byte characters (Python's EUC-KR
    also writes rare Hangul as eight-byte jamo sequences, which are not its core)."""
    try:
        return len(ch.encode(encoding)) <= 2
    except UnicodeEncodeError:
        return False
