"""A few orders as read, beside the file's rows for them: the order with the most rows, the
first and one from the middle, with totals worked out by hand."""

from segmentation.columns.loading import load_transactions

ROWS = """InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice
A1,C1,2024-01-02,1,10.00
A2,C2,2024-01-03,2,5.00
A2,C2,2024-01-03,1,3.00
A2,C2,2024-01-03,4,0.25
A3,C1,2024-01-04,1,7.50
A3,C1,2024-01-04,3,2.00
A4,C3,2024-01-05,2,2.00
A5,C3,2024-01-06,1,9.99
"""


def test_the_largest_the_first_and_a_middle_order_with_their_rows_and_totals(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text(ROWS)
    orders = load_transactions(path).orders
    # unique orders A1..A5: the most rows is A2, the first A1, the middle (the third) A3
    assert [o.order_id for o in orders] == ["A2", "A1", "A3"]
    assert [len(o.raw) for o in orders] == [3, 1, 2]
    assert [len(o.lines) for o in orders] == [3, 1, 2]
    assert [o.total for o in orders] == [14.0, 10.0, 13.5]  # 10 + 3 + 1; 10; 7.5 + 6
