"""Column roles: which column holds the customer id, the date, the amounts, ...

Pure Python (pandas is imported only to look at a sample's content), so a workbook's parse can
start before pandas has finished importing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import ColumnError
from .shapes import Shape, find_shape

if TYPE_CHECKING:
    import pandas as pd

ROLES = (
    "customer_id",
    "invoice_id",
    "invoice_date",
    "quantity",
    "unit_price",
    "amount",
    "country",
    "stock_code",
    "description",
    "status",
    "currency",
    "store",
)
# Roles whose values are money or counts; a column of words cannot play them.
NUMBER_ROLES = ("quantity", "unit_price", "amount")
# Roles read as text as written (ids such as 00123 keep their zeros).
TEXT_ROLES = tuple(r for r in ROLES if r not in (*NUMBER_ROLES, "invoice_date"))

# Normalised header names (lower case, letters and digits only) per role, best first.
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customerid",
        "customerno",
        "customernumber",
        "customercode",
        "customernr",
        "buyeruserid",
        "custid",
        "clientid",
        "clientno",
        "clientnumber",
        "customer",
        "client",
        "customeremail",
        "email",
        "emailaddress",
        "userid",
        "user",
        "memberid",
        "accountid",
        "account",
        "buyer",
        "buyerid",
        "shopper",
        "contactid",
    ),
    "invoice_id": (
        "invoiceno",
        "invoice",
        "invoiceid",
        "invoicenumber",
        "orderid",
        "order",
        "orderno",
        "ordernumber",
        "transactionid",
        "transaction",
        "receiptid",
        "receipt",
        "billno",
        "documentno",
        "salesorder",
        "orderreference",
        "receiptnumber",
        "chargeid",
    ),
    "invoice_date": (
        "invoicedate",
        "orderdate",
        "date",
        "transactiondate",
        "purchasedate",
        "saledate",
        "datetime",
        "timestamp",
        "createdat",
        "created",
        "orderdatetime",
        "day",
    ),
    "quantity": ("quantity", "qty", "units", "unitssold", "quantityordered", "itemcount"),
    "unit_price": (
        "unitprice",
        "price",
        "priceeach",
        "itemprice",
        "unitcost",
        "priceperunit",
        "rate",
    ),
    "amount": (
        "ordertotal",
        "amount",
        "lineamount",
        "linetotal",
        "grandtotal",
        "sales",
        "revenue",
        "total",
        "totalprice",
        "totalamount",
        "netsales",
        "netamount",
        "value",
        "salesamount",
        "sale",
        "subtotal",
    ),
    "country": ("country", "countryname", "countrycode", "billingcountry", "shippingcountry"),
    "stock_code": ("stockcode", "sku", "productcode", "itemcode", "productid", "itemid"),
    "description": ("description", "productname", "product", "itemname", "item", "title"),
    "status": (
        "status",
        "orderstatus",
        "financialstatus",
        "paymentstatus",
        "documenttype",
        "transactiontype",
        "eventtype",
        "linetype",
        "type",
    ),
    "currency": ("currency", "currencycode", "ordercurrency", "curr"),
    "store": ("store", "storeid", "register", "till", "outlet", "location", "branch", "shop"),
}
# Money columns that are not what the customer paid for the goods: never the amount or price
# (English, then the other languages of the vocabulary).
NOT_REVENUE = (
    "shipping", "tax", "discount", "fee", "refund", "vat", "duty", "tip", "compareat",
    "mwst", "ust", "steuer", "versand", "porto", "rabatt", "skonto", "taxe", "tva", "frais",
    "livraison", "remise", "impuesto", "iva", "envio", "descuento", "imposta", "spedizione",
    "sconto", "btw", "verzend", "korting", "podatek", "wysylka", "rabat", "moms", "frakt",
    "alv", "kdv", "kargo", "indirim", "税", "送料", "运费", "運費", "折扣", "세금", "배송비",
    "할인", "ضريبة", "شحن", "خصم", "ภาษ", "คาสง", "สวนลด", "pajak", "ongkir", "diskon",
    "balance", "saldo", "cost", "kosten", "profit", "margin", "marge",
)  # fmt: skip
# Words that, found inside a longer header, point to a role ("Customer Email", "Order Date").
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer", "client", "email"),
    "invoice_id": ("invoice", "order"),
    "invoice_date": ("date", "time"),
    "quantity": ("quantity", "qty"),
    "unit_price": ("price",),
    "amount": ("total", "amount", "revenue", "sales"),
    "status": ("status",),
}
# The same roles' words in the other languages of the vocabulary (German, French, Spanish,
# Portuguese, Italian, Dutch, Polish, Swedish, Danish, Norwegian, Finnish, Turkish, Japanese,
# Chinese, Korean, Arabic, Thai, Indonesian), compared without case and accents.
ROLE_WORDS_INTL: dict[str, str] = {
    "customer_id": "kunde|kund|debitor|client|cliente|klant|klient|asiakas|musteri|顧客|客户|"
    "客戶|고객|회원|العميل|ลกคา|pelanggan|comprador|acheteur|kaufer|contact",
    "invoice_id": "beleg|rechnung|bestell|auftrag|facture|commande|factura|pedido|fattura|"
    "ordine|factuur|bestelling|faktura|zamowien|tilaus|lasku|siparis|注文|伝票|订单|訂單|单号|"
    "주문|الطلب|فاتورة|ใบสงซอ|คำสงซอ|pesanan|faktur|booking|ticket|docnum|nota",
    "invoice_date": "datum|fecha|data|paivamaara|tarih|日付|注文日|日期|时间|時間|일자|날짜|일시|"
    "التاريخ|วนท|tanggal|zeitpunkt",
    "quantity": "menge|anzahl|stuck|quantite|qte|cantidad|quantidade|qtd|quantita|aantal|"
    "ilosc|antal|maara|kpl|miktar|adet|数量|數量|수량|الكمية|จำนวน|jumlah",
    "unit_price": "preis|prix|precio|preco|prezzo|prijs|cena|pris|hinta|fiyat|単価|单价|單價|"
    "단가|سعر|ราคา|harga",
    "amount": "betrag|umsatz|montant|importe|valor|importo|bedrag|kwota|wartosc|belopp|summa|"
    "tutar|金額|金额|금액|المبلغ|จำนวนเงน|nilai|gesamtpreis|totale|totaal|toplam|合計|合计|합계|"
    "الإجمالي|ยอดรวม",
    "currency": "wahrung|devise|moneda|moeda|valuta|waluta|para birimi|通貨|货币|貨幣|통화|"
    "العملة|สกลเงน|mata uang",
}
# Words that rule a column out for a role even though a role word is in it ("Order Date" is no
# order id, "Date Shipped" no sales figure).
NOT_FOR: dict[str, tuple[str, ...]] = {
    "invoice_id": (
        "date", "total", "amount", "status", "currency", "price", "quantity", "qty", "datum",
        "fecha", "data", "betrag", "summe", "montant", "importe", "importo", "bedrag", "statut",
        "estado", "stato", "tarih", "日", "일", "preis", "prix", "menge", "kunde", "client",
        "cliente", "klant", "line", "position", "pos", "zeile", "ligne", "linea", "riga",
    ),
    "customer_id": (
        "group", "note", "since", "type", "gruppe", "groupe", "grupo", "gruppo", "seit",
        "depuis", "desde", "typ", "tipo", "land", "country", "pays", "pais", "stadt", "city",
        "ville", "ciudad", "address", "adresse", "direccion", "plz", "zip", "postal",
    ),
    "invoice_date": (
        "ship", "due", "paid", "fulfil", "cancel", "updated", "deliver", "liefer", "versand",
        "fallig", "echeance", "vencimiento", "scadenza", "vervaldatum", "termin", "erapaiva",
        "vade", "期限", "到期", "마감", "استحقاق", "ครบกำหนด", "jatuhtempo", "geburt", "birth",
        "storn", "bezahlt", "paye", "pago", "expedition", "envio", "spedizione",
    ),
    "quantity": (
        "ship", "return", "refund", "cancel", "deliver", "geliefert", "liefer", "retour",
        "storn", "ruck", "open", "offen", "backorder", "stock", "lager", "bestand",
    ),
    "unit_price": (
        "total", "gesamt", "summe", "totale", "totaal", "lacznie", "yhteensa", "toplam", "合計",
        "合计", "총", "إجمالي", "รวม",
    ),
}  # fmt: skip


def _intl() -> dict[str, tuple[str, ...]]:
    from .vocabulary import key

    return {r: tuple(key(w) for w in words.split("|")) for r, words in ROLE_WORDS_INTL.items()}


_INTL = _intl()


def _norm(name: str) -> str:
    """A header as compared: lower case, without accents, letters and digits of any script."""
    from .vocabulary import key

    return key(name)


@dataclass(frozen=True)
class ColumnRoles:
    """Which file column plays each role (``None`` when absent)."""

    customer_id: str | None = None
    invoice_id: str | None = None
    invoice_date: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    amount: str | None = None
    country: str | None = None
    stock_code: str | None = None
    description: str | None = None
    status: str | None = None
    currency: str | None = None
    store: str | None = None
    # Roles found from the values alone (no header or shape named them): the notes say so.
    by_values: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, str | None]:
        return {r: getattr(self, r) for r in ROLES}

    def used(self) -> dict[str, str]:
        return {r: c for r, c in self.as_dict().items() if c is not None}


def detect_roles(
    columns: list[str],
    sample: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
    overrides: Mapping[str, str] | None = None,
) -> ColumnRoles:
    """Assign columns to roles: a known export shape first, then every candidate column scored
    by its name and checked by its content.

    An exact name scores by its rank in the role's list of names; a role word inside a longer
    name scores less; money columns that are no revenue (shipping, tax, discount, fee) never
    play amount or price. A header that only contains a role word must also show the role's
    content (numbers, dates); a status column must hold status words. The best-scoring
    (role, column) pairs are taken first.

    Parameters
    ----------
    columns : the file's column names.
    sample : the first rows (or a function returning them, called only when needed).
    overrides : role -> column set by the user; they win over detection.

    Raises
    ------
    ColumnError
        An override names an unknown role or a column that is not in the file.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v}
    for role, col in overrides.items():
        if role not in ROLES:
            raise ColumnError(f"Unknown role '{role}'. Roles: {', '.join(ROLES)}.")
        if col not in columns:
            raise ColumnError(
                f"Column '{col}' (set for {role}) is not in the file. "
                f"Columns present: {', '.join(columns)}."
            )
    found: dict[str, str] = dict(overrides)
    normed = {c: _norm(c) for c in columns}
    shape = find_shape(set(normed.values()))
    if shape is not None:
        by_norm = {n: c for c, n in reversed(normed.items())}
        for role, norm in shape.roles.items():
            column = by_norm.get(norm)
            if role not in found and column and column not in found.values():
                found[role] = column
    get_sample = _lazy(sample)
    candidates = []
    for order, column in enumerate(columns):
        for rank, role in enumerate(ROLES):
            score = _name_score(role, normed[column])
            if score is not None:
                candidates.append((-score, rank, order, role, column))
    for score_neg, _, _, role, column in sorted(candidates):
        if role in found or column in found.values():
            continue
        # An exact header is trusted (a bad value then gets its own message with examples);
        # a header that only contains a role word must show the role's content too.
        if (-score_neg >= 200 and role != "status") or _content_fits(role, column, get_sample):
            found[role] = column
    if "invoice_date" not in found:
        frame = get_sample()
        for c in columns:
            if frame is not None and c not in found.values() and _looks_like_dates(frame[c]):
                found["invoice_date"] = c
                break
    by_values: tuple[str, ...] = ()
    if "invoice_id" not in found and "customer_id" in found and "invoice_date" in found:
        column = _order_numbers(columns, found, get_sample())
        if column is not None:
            found["invoice_id"], by_values = column, ("invoice_id",)
    return ColumnRoles(**found, by_values=by_values)


ORDER_NUMBER = r"#?[A-Za-z]{0,4}[-#/]?\d{3,}"


def _order_numbers(columns: list[str], found: Mapping[str, str], frame) -> str | None:
    """A column that holds order numbers by its values, whatever its header: id-shaped values
    (``#1001``, ``SO-1001``, ``100234``) each of one customer and one day, whose digits rise
    with the dates. ``None`` when no column shows all of it."""
    import pandas as pd

    from ..errors import DataError
    from .dates import parse_dates

    if frame is None or len(frame) < 4:
        return None
    try:
        days, _ = parse_dates(frame[found["invoice_date"]].reset_index(drop=True))
    except (DataError, KeyError):
        return None
    days = pd.Series(days).dt.normalize()
    customers = frame[found["customer_id"]].astype("str").str.strip().str.lower()
    for column in columns:
        if column in found.values():
            continue
        text = frame[column].astype("str").str.strip().reset_index(drop=True)
        if text.str.fullmatch(ORDER_NUMBER).mean() < 0.95 or text.nunique() < 4:
            continue
        keyed = pd.DataFrame({"value": text, "day": days, "who": customers.to_numpy()})
        per_value = keyed.groupby("value").agg(days=("day", "nunique"), who=("who", "nunique"))
        if (per_value["who"] <= 1).mean() < 0.99 or (per_value["days"] <= 1).mean() < 0.98:
            continue
        digits = pd.to_numeric(text.str.replace(r"\D", "", regex=True), errors="coerce")
        known = digits.notna() & days.notna()
        if known.sum() >= 4 and digits[known].corr(days[known].astype("int64"), "spearman") >= 0.8:
            return column
    return None


def detect_shape(columns: list[str]) -> Shape | None:
    """The known export shape of a file with these columns, if any."""
    return find_shape({_norm(c) for c in columns})


def _lazy(sample) -> Callable[[], pd.DataFrame | None]:
    cached: list = []

    def get() -> pd.DataFrame | None:
        if not cached:
            cached.append(sample() if callable(sample) else sample)
        return cached[0]

    return get


def _name_score(role: str, norm: str) -> int | None:
    if any(word in norm for word in NOT_FOR.get(role, ())):
        return None
    if role in NUMBER_ROLES and any(word in norm for word in NOT_REVENUE):
        return None
    names = ROLE_NAMES[role]
    if norm in names:
        return 200 - names.index(norm)
    words = ROLE_WORDS.get(role, ())
    hit = next((i for i, w in enumerate(words) if w in norm), None)
    if hit is not None:
        return 100 - hit
    intl = _INTL.get(role, ())
    hit = next((i for i, w in enumerate(intl) if w in norm), None)
    return None if hit is None else 90 - min(hit, 40)


def _content_fits(role: str, column: str, get_sample) -> bool:
    """Whether a column's sample values can play the role (no sample: trust the name)."""
    if role not in (*NUMBER_ROLES, "status", "invoice_date"):
        return True
    frame = get_sample()
    if frame is None or column not in frame:
        return True
    values = frame[column].dropna()
    values = values[values.astype("str").str.strip() != ""]
    if values.empty:
        return True
    if role == "invoice_date":
        return _looks_like_dates(values, share=0.5)
    if role == "status":
        from .shapes import status_meaning

        words = values.astype("str").unique()
        return sum(status_meaning(w) is not None for w in words) >= 0.8 * len(words)
    import pandas as pd

    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return True
    from .numbers import looks_like_number

    text = values.astype("str")
    return sum(looks_like_number(v) for v in text) > 0.5 * len(text)


def _looks_like_dates(values: pd.Series, share: float = 0.9) -> bool:
    """Whether most values are dates: date cells, or text that reads as a date (numbers with
    separators such as 05.03.2012, or month names such as Mar-15-21)."""
    import pandas as pd

    values = values.dropna()
    if values.empty:
        return False
    if pd.api.types.is_datetime64_any_dtype(values) or all(
        hasattr(v, "year") and hasattr(v, "month") for v in values
    ):
        return True
    text = values.astype(str).head(200)
    if text.str.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}.*").mean() > share:
        return True
    # Dates written with words (month names, 年月日, 오후) in any language the reader knows.
    worded = text[text.str.contains(r"[^\W\d_]", regex=True) & text.str.contains(r"\d")]
    if len(worded) <= share * len(text):
        return False
    from ..errors import DataError
    from .dates import parse_dates

    try:
        parsed, _ = parse_dates(worded.reset_index(drop=True))
    except DataError:
        return False
    return bool(parsed.notna().sum() > share * len(text))


def missing_roles(roles: ColumnRoles) -> list[str]:
    """The roles segmentation needs that no column plays, in words."""
    missing = []
    if roles.customer_id is None:
        missing.append("customer id")
    if roles.invoice_date is None:
        missing.append("invoice date")
    if roles.amount is None and (roles.quantity is None or roles.unit_price is None):
        missing.append("quantity and unit price (or one line-amount column)")
    return missing


def check_roles(roles: ColumnRoles, columns: list[str]) -> None:
    """Raise a ``ColumnError`` naming each missing role and the columns present."""
    missing = missing_roles(roles)
    if missing:
        raise ColumnError(
            f"No {' / '.join(missing)} column found. Columns present: {', '.join(columns)}. "
            "Choose the column for each role.",
            setting="map",
        )
