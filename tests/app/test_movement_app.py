"""AppTest: the Movement page compares with an earlier date or a previous file, and matches
the core's movement."""

import functools

import pandas as pd

import segmentation as seg


def movement_page(app):
    app.switch_page("pages/3_Movement.py").run()
    assert not app.exception and not app.error
    return app


@functools.lru_cache  # the core's figures, once per module (read, never changed)
def core_movement(days):
    loaded = seg.load_transactions(seg.demo_csv_bytes(), "demo.csv")
    result = seg.segment(loaded.transactions, seg.Settings(k=3))
    s0 = seg.earlier_snapshot(result.customers["snapshot_date"].iloc[0], days)
    return loaded, result, seg.movements(result, loaded.transactions, s0)


def test_the_page_matches_the_core(app):
    movement_page(app)
    assert len(app.get("plotly_chart")) == 4  # a Sankey and a matrix per method
    _, _, (kmeans, grid) = core_movement(90)
    tables = [d.value for d in app.dataframe]
    assert len(tables) == 2
    for shown, move in zip(tables, (kmeans, grid), strict=True):
        assert shown["customers"].tolist() == move.cells["customers"].tolist()
        assert shown["revenue_period"].round(2).tolist() == move.cells["revenue_period"].tolist()
    text = " ".join(m.value for m in app.markdown)
    for line in kmeans.headlines():
        assert line in text


def test_a_shorter_period_moves_the_earlier_date(app):
    movement_page(app)
    app.slider(key="movement_days").set_value(30).run()
    assert not app.exception
    assert any("**2024-12-02**" in c.value for c in app.caption)  # 2025-01-01 minus 30 days
    _, _, (kmeans, _) = core_movement(30)
    assert app.dataframe[0].value["customers"].tolist() == kmeans.cells["customers"].tolist()


def test_a_previous_customer_file_is_compared(app):
    loaded, result, _ = core_movement(90)
    recipe = seg.Recipe.from_dict(result.recipe())
    earlier = seg.earlier_labels(loaded.transactions, recipe, "2024-10-03")
    movement_page(app)
    app.radio(key="compare_with").set_value("file").run()
    assert any("Upload a customer file" in i.value for i in app.info)
    data = seg.to_csv_bytes(earlier)
    app.file_uploader(key="previous_upload").set_value(("before.csv", data, "text/csv")).run()
    assert not app.exception and not app.error
    expected = seg.movements(
        result, loaded.transactions, previous=seg.read_previous(data, "before.csv")
    )
    assert app.dataframe[0].value["customers"].tolist() == expected[0].cells["customers"].tolist()


def test_a_file_that_is_not_an_export_is_refused(app):
    movement_page(app)
    app.radio(key="compare_with").set_value("file").run()
    bad = pd.DataFrame({"a": [1]}).to_csv(index=False).encode()
    app.file_uploader(key="previous_upload").set_value(("x.csv", bad, "text/csv")).run()
    assert not app.exception
    assert "not a customer file exported by this tool" in app.error[0].value
