"""Lists a mailing tool imports: the columns each tool documents, consent respected, names
split as a person would."""

import csv
import io
import zipfile

import pandas as pd

from segmentation.outcomes.mailing import MAILING_COLUMNS, mailing_lists, mailing_zip

# Mailchimp: "Email Address" is the one required column; "First Name" and "Last Name" are the
# default audience fields; a "Tags" column holds comma-separated tags (Mailchimp's format
# guidelines for import files). Klaviyo: the first column is "Email" or "Email Address";
# "First Name" and "Last Name" are Klaviyo properties; any other header becomes a custom
# property (Klaviyo's guide to uploading a list).
MAILCHIMP = ["Email Address", "First Name", "Last Name", "Tags"]


def customers():
    return pd.DataFrame(
        {
            "customer_id": ["1", "2", "3", "4", "5"],
            "segment": ["Best customers", "Best customers", "Long gone", "Long gone", "Long gone"],
            "action": ["Reward them: early access, perks.", "Reward them: early access, perks.",
                       "Try one reactivation campaign; otherwise leave them out.",
                       "Try one reactivation campaign; otherwise leave them out.",
                       "Try one reactivation campaign; otherwise leave them out."],
            "Email": ["ann@shop.example", "bo@shop.example", "not an address", None,
                      "cy@shop.example"],
            "Billing Name": ["Ann Marie Lee", "Bo", "Carl Cox", "Dee Day", "Cy Young"],
            "Accepts Marketing": ["yes", "no", "yes", "yes", "yes"],
        }
    )  # fmt: skip


KINDS = {"Email": "email", "Billing Name": "name", "Accepts Marketing": "consent"}


def test_the_columns_are_the_tools_documented_ones_in_order():
    assert MAILING_COLUMNS == MAILCHIMP
    assert MAILING_COLUMNS[0] in ("Email", "Email Address")  # Klaviyo's first column


def test_lists_hold_consenting_customers_with_an_address_and_split_names():
    lists, left_out = mailing_lists(customers(), KINDS, "segment", "Accepts Marketing")
    best = lists["Best customers"]
    # 2 said no; 3 has no valid address; 4 has none at all: only 1 and 5 are listed.
    assert best.to_dict("records") == [
        {"Email Address": "ann@shop.example", "First Name": "Ann Marie", "Last Name": "Lee",
         "Tags": "Best customers,action: Reward them"}
    ]  # fmt: skip
    assert lists["Long gone"]["Email Address"].tolist() == ["cy@shop.example"]
    assert left_out == {"no consent": 1, "no e-mail address": 2}


def test_without_a_consent_column_everyone_with_an_address_is_listed():
    lists, left_out = mailing_lists(customers(), {"Email": "email"}, "segment", None)
    assert sum(len(p) for p in lists.values()) == 3
    assert lists["Best customers"][["First Name", "Last Name"]].iloc[0].tolist() == ["", ""]
    assert left_out == {"no e-mail address": 2}


def test_first_and_last_name_columns_are_used_as_they_are():
    frame = (
        customers()
        .drop(columns="Billing Name")
        .assign(
            **{
                "First Name": ["Ann", "Bo", "Carl", "Dee", "Cy"],
                "Surname": ["Lee", "", "", "", "Y"],
            }
        )
    )
    kinds = {"Email": "email", "First Name": "name", "Surname": "name"}
    lists, _ = mailing_lists(frame, kinds, "segment", None)
    row = lists["Best customers"].iloc[0]
    assert (row["First Name"], row["Last Name"]) == ("Ann", "Lee")


def test_the_zip_is_plain_comma_separated_utf8_without_a_byte_order_mark():
    lists, _ = mailing_lists(customers(), KINDS, "segment", "Accepts Marketing")
    with zipfile.ZipFile(io.BytesIO(mailing_zip(lists))) as archive:
        data = archive.read("Best customers.csv")
    assert not data.startswith(b"\xef\xbb\xbf")  # the first header must be "Email Address"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == MAILCHIMP
    assert rows[1][3] == "Best customers,action: Reward them"
