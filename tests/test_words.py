from segmentation.words import count


def test_counts_take_the_noun_in_its_number():
    assert count(1, "customer") == "1 customer"
    assert count(0, "customer") == "0 customers"
    assert count(1234, "row") == "1,234 rows"
    assert count(2, "child", "children") == "2 children"
