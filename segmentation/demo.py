"""A realistic, seeded, Online-Retail-shaped transactions table, so a fresh clone works offline."""

from __future__ import annotations

import functools
import unicodedata

import numpy as np
import pandas as pd

# Customer behaviours: share, invoices per year (mean), active window (fraction of the year).
BEHAVIOURS = pd.DataFrame(
    [
        ("champion", 0.12, 18.0, (0.0, 0.05), (0.9, 1.0), 2.5),
        ("loyal", 0.23, 7.0, (0.0, 0.4), (0.75, 1.0), 1.5),
        ("new", 0.15, 1.6, (0.8, 0.97), (0.9, 1.0), 1.0),
        ("occasional", 0.25, 2.5, (0.0, 0.6), (0.3, 0.95), 1.0),
        ("churned", 0.25, 1.8, (0.0, 0.3), (0.05, 0.45), 0.8),
    ],
    columns=["behaviour", "share", "invoices", "start", "end", "basket"],
)
COUNTRIES = ["United Kingdom", "Germany", "France", "EIRE", "Spain", "Netherlands", "Belgium"]
COUNTRY_P = [0.86, 0.04, 0.035, 0.025, 0.015, 0.015, 0.01]
FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "David",
    "Emma",
    "Finn",
    "Grace",
    "Hugo",
    "Isla",
    "Jack",
    "Léa",
    "Omar",
]
LAST = ["Smith", "Jones", "Müller", "Martin", "Murphy", "García", "de Vries", "Peeters", "Brown"]
WORDS = ["HEART", "LANTERN", "MUG", "CANDLE", "BUNTING", "TIN", "BAG", "CARD", "CLOCK", "BOWL"]
COLOURS = ["RED", "WHITE", "PINK", "BLUE", "VINTAGE", "GREEN", "RETRO", "GOLD"]


def demo_transactions(
    n_customers: int = 3000, seed: int = 7, first_customer: int = 0, first_invoice: int = 0
) -> pd.DataFrame:
    """Transactions in the UCI Online Retail layout, with its real-world mess.

    Columns ``InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID,
    Country`` and the contact fields ``Email, Name, Accepts Marketing``. Customers follow five
    behaviours (champions to churned) over one year, spend is skewed, and the table has
    cancellations (``C`` invoices), guest rows without a customer id or contact, exact
    duplicate rows, postage lines (``POST``), and one customer in twenty who changed e-mail
    address half-way through the year.
    """
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-02 08:00")
    year = 365.0
    kinds = rng.choice(len(BEHAVIOURS), size=n_customers, p=BEHAVIOURS["share"].to_numpy())
    b = BEHAVIOURS.iloc[kinds].reset_index(drop=True)
    lo = np.array([s[0] for s in b["start"]]) + rng.random(n_customers) * np.array(
        [s[1] - s[0] for s in b["start"]]
    )
    hi = np.array([e[0] for e in b["end"]]) + rng.random(n_customers) * np.array(
        [e[1] - e[0] for e in b["end"]]
    )
    hi = np.maximum(hi, lo + 0.01)
    n_inv = 1 + rng.poisson(b["invoices"].to_numpy() * (hi - lo).clip(0.2, 1) * 0.9)
    cust = np.repeat(np.arange(n_customers), n_inv)
    when = lo[cust] + rng.random(len(cust)) * (hi[cust] - lo[cust])
    # Guest checkouts: invoices with no customer id.
    guests = int(len(cust) * 0.12)
    cust = np.concatenate([cust, np.full(guests, -1)])
    when = np.concatenate([when, rng.random(guests)])
    basket = np.concatenate([b["basket"].to_numpy()[cust[: -guests or None]], np.ones(guests)])
    order = np.argsort(when, kind="stable")
    cust, when, basket = cust[order], when[order], basket[order]
    inv_no = 500000 + first_invoice + np.arange(len(cust))
    inv_time = start + pd.to_timedelta(np.round(when * year * 24 * 60), unit="min")
    country = rng.choice(COUNTRIES, size=n_customers, p=COUNTRY_P)

    products = 400
    codes = np.array(
        [f"{20000 + i * 7}{'AB'[i % 2] if i % 5 == 0 else ''}" for i in range(products)]
    )
    descs = np.array(
        [f"{COLOURS[i % len(COLOURS)]} {WORDS[(i * 7) % len(WORDS)]} {i}" for i in range(products)]
    )
    prices = np.round(np.exp(rng.normal(0.8, 0.7, products)), 2)

    lines = 1 + rng.poisson(4 * basket)
    row_inv = np.repeat(np.arange(len(cust)), lines)
    popularity = 1.0 / np.arange(1, products + 1) ** 0.8
    prod = rng.choice(products, size=len(row_inv), p=popularity / popularity.sum())
    qty = np.maximum(1, np.round(rng.lognormal(1.2, 0.9, len(row_inv)))).astype(int)
    frame = pd.DataFrame(
        {
            "InvoiceNo": inv_no[row_inv].astype(str),
            "StockCode": codes[prod],
            "Description": descs[prod],
            "Quantity": qty,
            "InvoiceDate": inv_time[row_inv],
            "UnitPrice": prices[prod],
            "CustomerID": np.where(
                cust[row_inv] >= 0, 12000.0 + first_customer + cust[row_inv], np.nan
            ),
            "Country": np.where(
                cust[row_inv] >= 0, country[cust[row_inv].clip(0)], "United Kingdom"
            ),
        }
    )
    frame = _with_contacts(frame, n_customers, seed)
    # Postage lines on some invoices.
    post_inv = rng.choice(len(cust), size=len(cust) // 20, replace=False)
    post = (
        frame.drop_duplicates("InvoiceNo").set_index("InvoiceNo").loc[inv_no[post_inv].astype(str)]
    )
    post = post.reset_index().assign(
        StockCode="POST", Description="POSTAGE", Quantity=1, UnitPrice=18.0
    )
    # Cancellations: a few lines of some invoices returned a day later.
    cancel = frame.sample(frac=0.02, random_state=seed).assign(
        InvoiceNo=lambda d: "C" + d["InvoiceNo"],
        Quantity=lambda d: -d["Quantity"],
        InvoiceDate=lambda d: d["InvoiceDate"] + pd.Timedelta(days=1),
    )
    dupes = frame.sample(frac=0.01, random_state=seed + 1)
    out = pd.concat([frame, post[frame.columns], cancel, dupes], ignore_index=True)
    out = out.sort_values(["InvoiceDate", "InvoiceNo"], kind="stable").reset_index(drop=True)
    return out


NONE = np.array(None, dtype=object)  # a missing value numpy broadcasts


def _with_contacts(frame: pd.DataFrame, n_customers: int, seed: int) -> pd.DataFrame:
    """E-mail, name and marketing consent per customer (their own generator, so the
    transactions are those of the demo without contacts)."""
    rng = np.random.default_rng(seed + 2)
    first = rng.choice(FIRST, size=n_customers)
    last = rng.choice(LAST, size=n_customers)
    accepts = np.where(rng.random(n_customers) < 0.7, "yes", "no")
    moved = rng.random(n_customers) < 0.05
    who = frame["CustomerID"].to_numpy()
    known = ~np.isnan(who)
    c = np.where(known, who - 12000, 0).astype(int) % n_customers
    late = (frame["InvoiceDate"] >= pd.Timestamp("2024-07-01")).to_numpy()
    plain = {n: unicodedata.normalize("NFKD", n).encode("ascii", "ignore").decode() for n in FIRST}
    local = np.array([plain[n].lower() for n in first])
    base = np.char.add(local[c], np.char.add(".", c.astype(str)))
    domain = np.where(moved[c] & late, "@newmail.example", "@example.com")
    return frame.assign(
        Email=np.where(known, np.char.add(base, domain), NONE),
        Name=np.where(known, np.char.add(np.char.add(first[c], " "), last[c]), NONE),
        **{"Accepts Marketing": np.where(known, accepts[c], NONE)},
    )


@functools.lru_cache(maxsize=4)
def demo_csv_bytes(n_customers: int = 3000, seed: int = 7) -> bytes:
    """The demo table as CSV bytes, as a user would upload it (kept: every new dashboard
    session starts on it, and making it takes about two seconds)."""
    return demo_transactions(n_customers, seed).to_csv(index=False).encode("utf-8")


def write_large(rows: int, out: str, seed: int = 7, chunk_customers: int = 25_000) -> int:
    """Write about ``rows`` demo transactions to a parquet file in chunks of customers (ids
    and invoice numbers continue from chunk to chunk), so no more than one chunk is in
    memory (and no more customers than a tenth of the rows). Returns the rows written."""
    chunk_customers = min(chunk_customers, rows // 10 + 1)
    import pyarrow as pa
    import pyarrow.parquet as pq

    written, chunk, writer = 0, 0, None
    try:
        while written < rows:
            frame = demo_transactions(
                chunk_customers, seed + chunk, chunk * chunk_customers, written
            ).head(rows - written)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(out, table.schema)
            writer.write_table(table)
            written += len(frame)
            chunk += 1
    finally:
        if writer is not None:
            writer.close()
    return written
