"""Per-segment lists shaped for the mailing tools marketers use.

One generic layout serves Mailchimp and Klaviyo, from their documented import columns:
``Email Address`` (Mailchimp's one required column; one of the two first-column headers
Klaviyo takes), ``First Name`` and ``Last Name`` (default fields of both) and ``Tags``
(Mailchimp's comma-separated tags; a custom property in Klaviyo). The tags are the segment's
name and its action's first words, without commas so that no tag is split. Only customers with
a valid address are listed, and only those who accepted marketing when the file says who did.
The files are plain UTF-8 without a byte-order mark, comma-separated, so the first header is
read as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from ..columns.contacts import EMAIL, consent
from .export import neutralize_formulas, safe_name, zip_bytes

MAILING_COLUMNS = ["Email Address", "First Name", "Last Name", "Tags"]
MAX_TAG = 100  # Mailchimp's limit on a tag's length
FIRST = re.compile(r"first|given|fore|vorname|prenom|nombre", re.IGNORECASE)
LAST = re.compile(r"last|sur|family|nachname|apellido", re.IGNORECASE)


def _tag(text: str) -> str:
    return re.sub(r"\s*,\s*", " ", str(text)).strip()[:MAX_TAG]


def short_action(action: str) -> str:
    """An action's first words: up to its first colon, semicolon, comma or full stop."""
    return re.split(r"[:;,.]", str(action), maxsplit=1)[0].strip()


def _names(frame: pd.DataFrame, kinds: Mapping[str, str | None]) -> tuple[pd.Series, pd.Series]:
    """First and last names: from first- and last-name columns, else a full name split before
    its last word."""
    columns = [c for c, k in kinds.items() if k == "name" and c in frame]
    first = next((c for c in columns if FIRST.search(c)), None)
    last = next((c for c in columns if LAST.search(c)), None)
    blank = pd.Series("", index=frame.index)
    if first or last:
        return (
            frame[first].fillna("").astype(str).str.strip() if first else blank,
            frame[last].fillna("").astype(str).str.strip() if last else blank,
        )
    if not columns:
        return blank, blank
    whole = frame[columns[0]].fillna("").astype(str).str.strip()
    parts = whole.str.rsplit(n=1, expand=True).reindex(columns=[0, 1]).fillna("")
    single = parts[1] == ""
    return parts[0].where(~single, whole), parts[1].where(~single, "")


def mailing_lists(
    customers: pd.DataFrame,
    kinds: Mapping[str, str | None],
    by: str = "segment",
    consent_column: str | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """One list per segment of ``by`` (largest first) in :data:`MAILING_COLUMNS`, and how many
    customers were left out and why. ``kinds``: the contact kind of each contact column."""
    email = next((c for c, k in kinds.items() if k == "email" and c in customers), None)
    frame = customers
    left_out: dict[str, int] = {}
    if consent_column is not None:
        accepts = consent(frame[consent_column]).fillna(False).to_numpy(bool)
        if (~accepts).any():
            left_out["no consent"] = int((~accepts).sum())
        frame = frame[accepts]
    address = (
        frame[email].fillna("").astype(str).str.strip()
        if email
        else pd.Series("", index=frame.index)
    )
    valid = address.str.match(EMAIL).to_numpy(bool)
    if (~valid).any():
        left_out["no e-mail address"] = int((~valid).sum())
    frame, address = frame[valid], address[valid]
    first, last = _names(frame, kinds)
    action = frame["rfm_action" if by == "rfm_segment" else "action"]
    said = action.fillna("").map(short_action)
    tags = frame[by].map(_tag) + said.map(lambda a: f",{_tag('action: ' + a)}" if a else "")
    table = pd.DataFrame(
        {"Email Address": address, "First Name": first, "Last Name": last, "Tags": tags}
    )
    groups = sorted(table.groupby(frame[by].to_numpy()), key=lambda g: (-len(g[1]), str(g[0])))
    return {str(name): part.reset_index(drop=True) for name, part in groups}, left_out


def mailing_zip(lists: Mapping[str, pd.DataFrame]) -> bytes:
    """The lists as one plain UTF-8 CSV each (no byte-order mark), formulas neutralised."""
    return zip_bytes(
        {
            f"{safe_name(name)}.csv": neutralize_formulas(part).to_csv(index=False).encode()
            for name, part in lists.items()
        }
    )
