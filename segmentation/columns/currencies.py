"""Currencies as data: the ISO 4217 codes with their minor units, and the signs people write.

The minor units decide a number's decimal mark where nothing else does: in a currency without
minor units (yen, won, dong, rupiah...) ``₩12,000`` can only be twelve thousand.
"""

from __future__ import annotations

# ISO 4217 active codes by the number of digits after the decimal mark.
_BY_MINOR_UNITS = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    2: "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN "
    "BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB "
    "EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IRR JMD KES KGS "
    "KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV "
    "MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG "
    "SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD "
    "USN UYU UZS VED VES WST XCD YER ZAR ZMW ZWL",
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}
MINOR_UNITS = {code: n for n, codes in _BY_MINOR_UNITS.items() for code in codes.split()}
CODES = frozenset(MINOR_UNITS)
CURRENCY_CODES = CODES  # the public name

# Currencies written without minor units in practice although ISO gives them two.
WRITTEN_WHOLE = frozenset({"IDR", "HUF", "IRR"})

# Signs and local abbreviations, with the currency they name ("$" alone names none).
SYMBOLS = {
    "£": "GBP",
    "€": "EUR",
    "$": "$",
    "US$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "NT$": "TWD",
    "MX$": "MXN",
    "R$": "BRL",
    "¥": "JPY/CNY",
    "円": "JPY",
    "元": "CNY",
    "₹": "INR",
    "Rs": "INR/PKR/LKR",
    "Rs.": "INR/PKR/LKR",
    "₨": "INR/PKR/LKR",
    "৳": "BDT",
    "₽": "RUB",
    "руб": "RUB",
    "руб.": "RUB",
    "₴": "UAH",
    "грн": "UAH",
    "₩": "KRW",
    "₺": "TRY",
    "₪": "ILS",
    "₫": "VND",
    "฿": "THB",
    "₱": "PHP",
    "₦": "NGN",
    "₡": "CRC",
    "₲": "PYG",
    "₵": "GHS",
    "₸": "KZT",
    "₼": "AZN",
    "₾": "GEL",
    "₭": "LAK",
    "₮": "MNT",
    "﷼": "SAR/IRR",
    "ر.س": "SAR",
    "د.إ": "AED",
    "zł": "PLN",
    "Kč": "CZK",
    "Ft": "HUF",
    "lei": "RON",
    "Lei": "RON",
    "лв": "BGN",
    "лв.": "BGN",
    "RM": "MYR",
    "Rp": "IDR",
    "S/": "PEN",
    "kr": "kr",
    "kr.": "kr",
    "Fr.": "CHF",
}
# The currency a name stands for when it is one ISO code (not "$", "kr" or "JPY/CNY").
WHOLE = frozenset(c for c, n in MINOR_UNITS.items() if n == 0) | WRITTEN_WHOLE

# Signs a code page could not write: Shift_JIS and EUC-KR put the yen and won signs on the
# byte of the backslash, and an encoder without the sign writes "?".
LOST_SIGNS = {
    "\\": "JPY/KRW",
    "?": "?",
}


def whole_units(currency: str | None) -> bool:
    """Whether every currency the name may stand for is written without minor units."""
    if not currency or currency == "?":
        return False
    return all(part in WHOLE for part in currency.split("/"))
