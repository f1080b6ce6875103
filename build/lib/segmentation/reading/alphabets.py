"""How plausible a decoded text is: the letters beyond ASCII that each language writes, as data.

A single-byte code page decodes any bytes into some text, so "it decodes" proves nothing: a
Turkish file (Windows-1254) read as Windows-1252 turns "Şükrü" into "Þükrü" without an error.
The right decoding is the one whose letters one language writes together. Multi-byte code pages
(Shift_JIS, EUC-KR, GBK, Big5) are judged the same way by their common core: text decoded with
the wrong one lands in the rarely used characters of the other's extension area.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import pairwise

import numpy as np

# Letters beyond ASCII by language, most frequent first (lower case; upper case is derived).
# A letter's weight falls with its rank (Zipf), so a reading that needs a language's rare letters
# ("Žükrü" in Estonian) is less likely than one using another's common ones ("Şükrü").
LETTERS = {
    "French": "éèàçêôûîâùëïüœæÿ",
    "German": "üäößé",
    "Spanish": "óíáéñúü",
    "Portuguese": "ãçéáêóíõâàúô",
    "Italian": "àèùòìéóíîú",
    "Dutch": "éëïöüó",
    "Danish and Norwegian": "øåæéó",
    "Swedish": "äåöé",
    "Finnish": "äöåšž",
    "Icelandic": "áðíóúéþæýö",
    "Catalan": "àéèòóíçúïü·",
    "Polish": "ęąółśżćńź",
    "Czech and Slovak": "íáéěřýčšžůúňťďóäôľĺŕ",
    "Hungarian": "éáöőüóíúű",
    "Romanian": "ăîțșâţş",
    "Croatian and Slovenian": "čšžćđ",
    "Turkish": "ıüşçğöİâî",
    "Estonian": "äõüöšž",
    "Latvian": "āīēšūņļķčžģ",
    "Lithuanian": "ėųįąšūžčę",
    "Russian": "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
    "Ukrainian": "оаніитвреслкудмпязьгбчхжйшюцєїщфґ’",
    "Bulgarian": "оаеинтрсвлкдпмзгяъбучжйхшцфщью",
    "Serbian": "аоиенрстјвклудмпзгбчшцћхжљњфђџ",
    "Greek": "αοιετσνηυρπκμλωδγχθφβξζψάέίόύήώςϊϋΐΰ",
    "Hebrew": "יוהאלרמתבשנדקכעפסחגטזצםןךףץ",
    "Arabic": "الينمرتوهبعكدفقسحجشصخثطزضذظغءآأؤإئةىًٌٍَُِّْپچژگکی٠١٢٣٤٥٦٧٨٩،؛؟ـ",
    "Thai": "านอรกเงมยลวดทสตะิบีคหัใข่้ไพแจชโผปถศซฉฐฑฒณญฟภษฬฮฝฏฎธฆฃฅๆฤฦฯำึืฺุู็๊๋์ํ๎",
    "Vietnamese": "àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ",
}
# Log-weights of what no language explains, per character: a letter of a word no language
# spells, a vowel sign with no letter before it, a sign glued to a letter. Below the rarest
# letter of the largest alphabet (about -6), so a wrong code page always costs more.
UNSPELT = -8.0
CJK_LETTER = -6.0  # one character of a multi-byte code page's core (a name's, about one in 400)
SIGN = math.log(1 / 60)  # a common sign (€, °, «, 。) among the signs exports carry
# Signs any export may carry whatever its language.
COMMON = set("€£¥¢$°²³µ«»–—‘’‚“”„•…©®™§¶×÷±½¼¾¹ºª¡¿\u00a0\u00ad·|、。「」『』（）・〜ー￥")
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


def _weights(letters: str) -> dict[str, float]:
    """Each letter's log-weight: Zipf by rank, upper case as its lower case."""
    harmonic = sum(1 / r for r in range(1, len(letters) + 1))
    out = {}
    for rank, ch in enumerate(letters, start=1):
        weight = math.log(1 / rank / harmonic)
        out[ch] = weight
        out.setdefault(ch.upper(), weight)
    return out


# (weights, whether the language writes Latin letters too): a Cyrillic word has no "e" in it.
_WEIGHTS = [(_weights(letters), letters[0] < "ɏ") for letters in LETTERS.values()]


def plausibility(text: str, encoding: str) -> tuple[float, float]:
    """How likely the text is as written words, as ``(score, spelt)``: a log-likelihood that
    compares across readings, since every reading explains the same bytes.

    A file is written in a few languages: its words are a mixture of languages, each weighing
    its letters (:data:`LETTERS`), with the languages' shares fitted to the file (a wrong code
    page scatters its words over many languages, each with a small share). A common sign (€, °,
    «) weighs :data:`SIGN`; anything no language explains (a word spelt in no alphabet, a sign
    inside a word, a vowel sign with no letter before it) :data:`UNSPELT` a character. For a
    multi-byte code page each character of its common core weighs :data:`CJK_LETTER`.
    ``spelt`` is the share of characters beyond ASCII explained (for the notes).
    """
    name = codec_name(encoding)
    if name in CORE or name in MULTIBYTE:
        return _multibyte(text, CORE.get(name, name))
    tokens = Counter(t for t in _TOKEN.findall(text) if not t.isascii())
    score, spelt, total = 0.0, 0, 0
    words: dict[str, tuple[int, list[float | None]]] = {}
    for token, n in tokens.items():
        wide = sum(1 for ch in token if ord(ch) > 127)
        total += n * wide
        if len(token) == 1 and not token.isalpha():
            if token in COMMON:
                score, spelt = score + n * SIGN, spelt + n
            else:
                score += n * UNSPELT
            continue
        weights = _word_weights(token)
        if any(w is not None for w in weights):
            words[token] = (n, weights)
            spelt += n * wide
        else:
            score += n * wide * UNSPELT
    return score + _mixture(words), spelt / max(total, 1)


def _mixture(words: dict[str, tuple[int, list[float | None]]], rounds: int = 20) -> float:
    """The log-likelihood of the spelt words under the mixture of languages that fits them
    best (expectation-maximisation of the languages' shares)."""
    if not words:
        return 0.0
    counts = np.array([n for n, _ in words.values()], dtype=float)
    logp = np.array([[-np.inf if w is None else w for w in ws] for _, ws in words.values()])
    usable = np.isfinite(logp).any(axis=0)
    share = np.where(usable, 1.0, 0.0)
    share /= share.sum()
    for _ in range(rounds):
        with np.errstate(divide="ignore"):
            joint = logp + np.log(share)
        top = joint.max(axis=1, keepdims=True)
        resp = np.exp(joint - top)
        resp /= resp.sum(axis=1, keepdims=True)
        share = (counts[:, None] * resp).sum(axis=0) / counts.sum()
    with np.errstate(divide="ignore"):
        joint = logp + np.log(share)
    top = joint.max(axis=1)
    return float((counts * (top + np.log(np.exp(joint - top[:, None]).sum(axis=1)))).sum())


def _multibyte(text: str, core: str) -> tuple[float, float]:
    chars = Counter(ch for ch in text if ord(ch) > 127)
    inside = sum(n for ch, n in chars.items() if _in_core(ch, core) or ch in COMMON)
    total = sum(chars.values())
    against = len(_LATIN_AROUND.findall(text))
    score = inside * CJK_LETTER + (total - inside) * 2 * UNSPELT + against * UNSPELT
    return score, (inside - against) / max(total, 1)


def _word_weights(word: str) -> list[float | None]:
    """The log-weight of a word in each language (``None`` where it does not spell it). An
    upper-case letter beyond ASCII after a lower-case one ("RenÇe"), a word that starts with
    a vowel sign or a Thai leading vowel followed by one, is spelt by none."""
    if _case_inside(word) or _ORPHAN_MARK.search(word):
        return [None] * len(_WEIGHTS)
    letters = [ch for ch in word if ord(ch) > 127]
    ascii_letters = len(letters) < len(word)
    return [
        sum(weights[ch] for ch in letters)
        if (latin or not ascii_letters) and all(ch in weights for ch in letters)
        else None
        for weights, latin in _WEIGHTS
    ]


_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0300-\u036f\u064b-\u0652"
# A word (letters and the vowel signs written on them), or one other character.
_TOKEN = re.compile(rf"(?:[^\W\d_]|[{_MARKS}])+|[^\x00-\x7f\s]")
# A vowel sign or tone mark that starts a word or follows a Thai leading vowel.
_ORPHAN_MARK = re.compile(rf"^[{_MARKS}]|[เแโใไ][{_MARKS}]")
# Latin letters against ideographs or Hangul in one word ("Ren縒", Western text read as a CJK
# code page); kana beside Latin is Japanese as written ("Tシャツ").
_CJK = "\u3000-\u303f\u3100-\u9fff\uac00-\ud7af\uf900-\ufaff\uff01-\uff5e"
_LATIN_AROUND = re.compile(rf"[A-Za-z][{_CJK}]|[{_CJK}][A-Za-z]")


def _case_inside(word: str) -> bool:
    return any(a.islower() and b.isupper() and ord(b) > 127 for a, b in pairwise(word))


def _in_core_word(word: str, core: str) -> bool:
    """A word of a multi-byte code page: its characters in the core, and none of them against
    a Latin letter."""
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
