"""Known export shapes, kept as data: how each shop system names its columns, and what its
order statuses mean.

A shape is recognised when every one of its ``signature`` headers is in the file (headers are
compared in lower case, letters and digits only, so ``Lineitem quantity`` matches
``lineitemquantity``). Its ``roles`` then say which column plays each role; roles it leaves out
are detected as for any file. ``statuses`` maps the shape's own status words to what they mean
for segmentation; one word can mean different things in two systems ("closed" is a refunded
order in Magento and an archived, completed one in Shopify).

The meanings (sale, void, refund, refunded) and the words every system shares are in
:mod:`segmentation.columns.vocabulary`; a shape lists only the words its system uses its own way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .vocabulary import key, state_meaning


@dataclass(frozen=True)
class Shape:
    """One shop system's export."""

    name: str
    signature: frozenset[str]
    roles: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    price_is_line_total: bool = False
    note: str = ""


def _shape(name: str, signature: str, roles: dict[str, str], **extra) -> Shape:
    return Shape(name, frozenset(signature.split()), roles, **extra)


# Most specific first: the first shape whose signature is in the file wins.
SHAPES: tuple[Shape, ...] = (
    _shape(
        "Shopify orders export",
        "name email financialstatus createdat lineitemquantity lineitemprice",
        {
            "customer_id": "email",
            "invoice_id": "name",
            "invoice_date": "createdat",
            "quantity": "lineitemquantity",
            "unit_price": "lineitemprice",
            "status": "financialstatus",
            "currency": "currency",
            "country": "billingcountry",
            "stock_code": "lineitemsku",
            "description": "lineitemname",
        },
        statuses={"closed": "sale", "voided": "void", "refunded": "refunded"},
        note="one row per line item; order fields on the first row of each order",
    ),
    _shape(
        "WooCommerce orders export",
        "orderid orderdate status ordertotal shippingtotal",
        {
            "customer_id": "customerid",
            "invoice_id": "orderid",
            "invoice_date": "orderdate",
            "amount": "ordertotal",
            "status": "status",
            "currency": "ordercurrency",
            "country": "billingcountry",
        },
        statuses={"completed": "sale", "processing": "sale", "onhold": "void"},
    ),
    _shape(
        "Stripe payments export",
        "id createdutc amount currency status",
        {
            "customer_id": "customerid",
            "invoice_id": "id",
            "invoice_date": "createdutc",
            "amount": "amount",
            "status": "status",
            "currency": "currency",
        },
        statuses={"paid": "sale", "refunded": "refunded", "failed": "void"},
    ),
    _shape(
        "Square item sales",
        "date transactionid qty netsales eventtype",
        {
            "customer_id": "customerid",
            "invoice_id": "transactionid",
            "invoice_date": "date",
            "quantity": "qty",
            "amount": "netsales",
            "status": "eventtype",
            "stock_code": "sku",
            "description": "item",
        },
        statuses={"payment": "sale", "refund": "refund"},
    ),
    _shape(
        "Etsy sold orders",
        "saledate orderid buyeruserid ordertotal",
        {
            "customer_id": "buyeruserid",
            "invoice_id": "orderid",
            "invoice_date": "saledate",
            "amount": "ordertotal",
            "currency": "currency",
            "country": "shipcountry",
        },
    ),
    _shape(
        "Amazon seller orders report",
        "amazonorderid purchasedate orderstatus quantity itemprice",
        {
            "customer_id": "buyeremail",
            "invoice_id": "amazonorderid",
            "invoice_date": "purchasedate",
            "quantity": "quantity",
            "amount": "itemprice",
            "status": "orderstatus",
            "currency": "currency",
            "country": "shipcountry",
            "stock_code": "sku",
            "description": "productname",
        },
        statuses={"shipped": "sale", "shipping": "sale", "pending": "void"},
        note="item-price is the line total (price x quantity)",
    ),
    _shape(
        "eBay orders report",
        "salesrecordnumber ordernumber buyerusername saledate",
        {
            "customer_id": "buyerusername",
            "invoice_id": "ordernumber",
            "invoice_date": "saledate",
            "quantity": "quantity",
            "unit_price": "soldfor",
            "country": "buyercountry",
            "stock_code": "customlabel",
            "description": "itemtitle",
        },
        note="multi-item orders have an order row before their item rows",
    ),
    _shape(
        "Magento orders grid",
        "purchasedate grandtotalpurchased status customeremail",
        {
            "customer_id": "customeremail",
            "invoice_id": "id",
            "invoice_date": "purchasedate",
            "amount": "grandtotalpurchased",
            "status": "status",
        },
        statuses={"complete": "sale", "processing": "sale", "closed": "refunded"},
    ),
    _shape(
        "Odoo sales orders",
        "orderreference customer orderdate total status",
        {
            "customer_id": "customer",
            "invoice_id": "orderreference",
            "invoice_date": "orderdate",
            "amount": "total",
            "status": "status",
        },
        statuses={"salesorder": "sale", "locked": "sale", "done": "sale"},
    ),
    _shape(
        "Xero sales invoices",
        "contactname invoicenumber invoicedate quantity unitamount",
        {
            "customer_id": "contactname",
            "invoice_id": "invoicenumber",
            "invoice_date": "invoicedate",
            "quantity": "quantity",
            "unit_price": "unitamount",
            "status": "type",
            "currency": "currency",
            "stock_code": "inventoryitemcode",
            "description": "description",
        },
        statuses={"accrec": "sale", "accreccredit": "refund", "salesinvoice": "sale"},
    ),
    _shape(
        "Lightspeed / Vend sales history",
        "date receiptnumber linetype customercode total",
        {
            "customer_id": "customercode",
            "invoice_id": "receiptnumber",
            "invoice_date": "date",
            "quantity": "quantity",
            "amount": "total",
            "status": "status",
            "store": "register",
        },
        statuses={"closed": "sale", "onaccount": "sale", "layby": "void", "voided": "void"},
        note="receipt numbers are unique per register",
    ),
    _shape(
        "Superstore-style orders",
        "orderid orderdate customerid sales quantity productid",
        {
            "customer_id": "customerid",
            "invoice_id": "orderid",
            "invoice_date": "orderdate",
            "quantity": "quantity",
            "amount": "sales",
            "country": "country",
            "stock_code": "productid",
            "description": "productname",
        },
        note="Sales is the line total",
    ),
    _shape(
        "Online Retail (UCI)",
        "invoiceno stockcode quantity invoicedate unitprice customerid",
        {},
    ),
    _shape(
        "Online Retail II (UCI)",
        "invoice stockcode quantity invoicedate price customerid",
        {},
    ),
)


def find_shape(normalised_columns: set[str]) -> Shape | None:
    """The first known shape whose signature headers are all in the file."""
    return next((s for s in SHAPES if s.signature <= normalised_columns), None)


def shape_status(word: str, shape: Shape | None) -> str | None:
    """What a status word means in a known export's own vocabulary, ``None`` if it has none."""
    if shape is None:
        return None
    return shape.statuses.get(key(word).removeprefix("wc"))  # WooCommerce writes wc-completed


def status_meaning(word: str, shape: Shape | None = None) -> str | None:
    """What a status word means (sale, void, refund, refunded): the export's own vocabulary
    first, then the vocabulary of every system (:mod:`segmentation.columns.vocabulary`); ``None`` if
    unknown."""
    return shape_status(word, shape) or state_meaning(word)
