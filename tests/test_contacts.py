"""Contact fields: detected by name and content, the latest non-empty value per customer,
consent read as yes/no, and formula-looking text neutralised in exports (phone numbers kept)."""

import io

import pandas as pd

from segmentation.columns.contacts import consent, detect_kinds, is_phone, kind_by_name
from segmentation.columns.loading import load_transactions
from segmentation.outcomes.export import neutralize_formulas, to_csv_bytes
from segmentation.pipeline import Settings, segment

# Customer 1 changed e-mail in March; the April row has no e-mail (the March one stays).
# The file is not in date order: the latest row by date wins, not the last row of the file.
SHOP = """Order,Customer,Date,Amount,Email,Billing Name,Phone,Accepts Marketing,Lineitem name
3,1,2024-03-05,30,new@shop.example,Ann Lee,+44 20 7946 0958,yes,Mug
1,1,2024-01-10,10,old@shop.example,Ann Lee,,no,Mug
4,1,2024-04-02,40,,Ann Lee,,,Tin
2,2,2024-02-01,20,bob@shop.example,"=HYPERLINK(""http://x"",""y"")",-1234 567 890,no,Bag
5,3,2024-02-11,15,cy@shop.example,@SUM(1),=1+2,Subscribed,Bag
"""


def load():
    return load_transactions(SHOP.encode(), "shop.csv")


def test_kinds_by_name_and_content():
    loaded = load()
    kinds = loaded.contacts.kinds
    assert kinds == {
        "Email": "email",
        "Billing Name": "name",
        "Phone": "phone",
        "Accepts Marketing": "consent",
        "Lineitem name": None,  # a product's name is no contact
    }
    assert loaded.contacts.default == ["Email", "Billing Name", "Accepts Marketing"]


def test_names_need_matching_content_and_content_alone_finds_addresses():
    sample = pd.DataFrame(
        {"Email": ["yes", "no"], "Contact": ["a@b.example", "c@d.example"], "Note": ["x", "y"]}
    )
    assert detect_kinds(sample, list(sample.columns)) == {
        "Email": None,  # named e-mail but holds no addresses
        "Contact": "email",
        "Note": None,
    }
    assert kind_by_name("Accepts Email Marketing") == "consent"
    assert kind_by_name("Shipping Country") == "country"
    assert kind_by_name("First Name") == "name"


def test_latest_non_empty_value_wins():
    values = load().contacts.values
    assert values.loc["1", "Email"] == "new@shop.example"  # March over January; April is empty
    assert values.loc["1", "Accepts Marketing"] == "yes"
    assert values.loc["1", "Phone"] == "+44 20 7946 0958"
    assert values.loc["2", "Email"] == "bob@shop.example"


def test_consent_words():
    words = pd.Series(["yes", "No", "TRUE", "0", "subscribed", "not_subscribed", "maybe", None])
    assert consent(words).tolist() == [True, False, True, False, True, False, pd.NA, pd.NA]


def test_formula_looking_contacts_are_neutralised_but_phone_numbers_kept():
    loaded = load()
    result = segment(loaded.transactions, Settings(method="scores"))
    chosen = loaded.contacts.values[["Email", "Billing Name", "Phone"]]
    text = to_csv_bytes(result.customer_file(chosen)).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), dtype=str).set_index("customer_id")
    assert back.loc["2", "Billing Name"] == '\'=HYPERLINK("http://x","y")'
    assert back.loc["3", "Billing Name"] == "'@SUM(1)"
    assert back.loc["3", "Phone"] == "'=1+2"  # not a phone number: it would run
    assert back.loc["1", "Phone"] == "+44 20 7946 0958"  # stays as written
    assert back.loc["2", "Phone"] == "-1234 567 890"


def test_phone_pattern():
    values = pd.Series(["+1 (555) 010-9999", "+1+1", "-2", "555.010.9999", "=555010999", None])
    assert is_phone(values).tolist() == [True, False, False, True, False, False]
    assert neutralize_formulas(pd.DataFrame({"p": values}))["p"].tolist()[:3] == [
        "+1 (555) 010-9999",
        "'+1+1",
        "'-2",
    ]


def test_a_name_column_of_order_numbers_is_no_name():
    from segmentation.columns.contacts import detect_kinds

    sample = pd.DataFrame({"Name": ["#1001", "#1002", "#1003"], "Billing Name": ["A B", "C", "D"]})
    assert detect_kinds(sample, ["Name", "Billing Name"]) == {"Name": None, "Billing Name": "name"}
