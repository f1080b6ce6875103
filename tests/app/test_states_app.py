"""The Data page asks what an unknown state means, and the answer is used."""

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

ROWS = [("A", "paid", 10), ("A", "Vorgemerkt", 20), ("B", "paid", 5), ("C", "paid", 7)] * 2 + [
    ("A", "paid", 3),
    ("D", "paid", 1),
]
FILE = (
    "Customer,Order,Date,Status,Amount\n"
    + "".join(f"{c},{i},2024-01-{i:02d},{s},{a}\n" for i, (c, s, a) in enumerate(ROWS, 1))
).encode()


def test_an_unknown_state_is_asked_on_the_data_page_and_the_answer_counts():
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.file_uploader(key="upload").set_value(("shop.csv", FILE, "text/csv")).run()
    assert not at.exception
    assert any("'Vorgemerkt' (2 rows)" in e.value for e in at.error)
    box = at.selectbox(key="state::Status::Vorgemerkt")
    assert box.value is None
    assert at.selectbox(key="state::Status::paid").value == "sale"
    box.set_value("void").run()
    assert not at.exception and not at.error
    # Kept: A 10 + 10 + 3, B 5 + 5, C 7 + 7, D 1 (the two 'Vorgemerkt' rows of 20 are no sale).
    revenue = next(m for m in at.metric if m.label == "Revenue kept")
    assert revenue.value.endswith("48.00")
