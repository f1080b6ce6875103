"""AppTest: the method choice, contact fields, consent, thresholds, rules and the playbook on
the dashboard; each choice reaches the downloads."""

import pandas as pd

import segmentation as seg
from dashboard import scores_view
from tests.app.test_app import small_csv, upload


def preview(app) -> pd.DataFrame:
    app.switch_page("pages/5_Download.py").run()
    assert not app.exception and not app.error
    return app.dataframe[0].value


def test_both_methods_by_default_with_contacts_and_actions(app):
    customers = preview(app)
    assert {"segment", "action", "rfm_segment", "rfm_action", "r_score"} <= set(customers)
    assert ["Email", "Name", "Country", "Accepts Marketing"] == [
        c for c in customers.columns if c[0].isupper()
    ]
    champions = customers[customers["rfm_segment"] == "Champions"]
    assert champions["rfm_action"].str.startswith("Reward").all()


def test_scores_only_hides_kmeans_and_its_columns(app):
    app.switch_page("pages/2_Segments.py").run()
    app.radio(key="method").set_value("scores").run()
    assert not app.exception and not app.error
    charts = [c.proto.id for c in app.get("plotly_chart")]
    assert not any(i.endswith("elbow") or i.endswith("crosstab") for i in charts)
    assert any(i.endswith("grid_sizes") for i in charts)
    customers = preview(app)
    assert "segment" not in customers and "rfm_segment" in customers
    app.switch_page("pages/2_Segments.py").run()  # the choice is kept across pages
    assert app.radio(key="method").value == "scores"


def test_contact_choice_on_the_data_page_reaches_the_download(app):
    box = app.multiselect(key="contacts")
    assert box.value == ["Email", "Name", "Country", "Accepts Marketing"]
    box.set_value(["Email"]).run()
    assert not app.exception
    customers = preview(app)
    assert "Email" in customers and "Name" not in customers and "Country" not in customers


def test_consent_limits_the_per_segment_lists(app):
    preview(app)
    app.checkbox(key="consented_only").check().run()
    assert not app.exception
    demo = seg.load_transactions(seg.demo_csv_bytes(), "demo.csv").contacts.values
    yes = int((demo["Accepts Marketing"] == "yes").sum())
    assert any(f"{yes:,} of " in c.value for c in app.caption)


def test_thresholds_set_by_the_user_score_the_customers(app):
    edges = seg.ScoreEdges((10, 20, 30, 40), (2, 3, 4, 6), (1, 2, 3, 4), fixed_frequency=True)
    app.session_state["score_edges"] = {app.session_state["data_digest"]: edges}
    customers = preview(app)
    # A value above an edge scores higher (spend) or lower (recency), worked out plainly.
    spend = customers["monetary"]
    assert customers["m_score"].tolist() == (1 + sum(spend > e for e in (1, 2, 3, 4))).tolist()
    recency = customers["recency_days"]
    expected = 5 - (recency > 10).astype(int) - (recency > 20) - (recency > 30) - (recency > 40)
    assert customers["r_score"].tolist() == expected.tolist()


def test_the_threshold_table_round_trips():
    edges = seg.ScoreEdges((3, 9, 30, 90), (2, 3, 4, 6), (5, 10, 50, 100), fixed_frequency=True)
    assert scores_view.edges_of(scores_view.edges_frame(edges), True) == edges
    text = scores_view.edges_frame(edges)["scores"].tolist()
    assert text[0].startswith("5 up to 3 days") and text[1].startswith("1 below 2")


def test_an_edited_playbook_and_rules_reach_the_download(app):
    book = seg.PLAYBOOK.copy()
    book.loc[book["segment"] == "Champions", "action"] = "Send the VIP box"
    app.session_state["playbook"] = seg.playbook_rows(book)
    app.session_state["rules"] = (("Everyone", 1, 5, 1, 5, 1, 5),)
    customers = preview(app)
    assert (customers["rfm_segment"] == "Everyone").all()
    assert (
        customers.loc[customers["segment"] == "Champions", "action"] == "Send the VIP box"
    ).all()


def test_an_upload_without_contact_columns_says_so(app):
    data = small_csv()
    frame = pd.read_csv(pd.io.common.BytesIO(data))
    plain = frame.drop(columns=["Email", "Name", "Accepts Marketing", "Country"])
    upload(app, "plain.csv", plain.to_csv(index=False).encode())
    assert any("no columns beyond" in c.value for c in app.caption)
    assert "Email" not in preview(app)


def test_the_download_page_offers_the_scoring_query_in_each_dialect(app):
    preview(app)
    assert "FROM transactions" in app.code[0].value.replace('"', "")
    app.selectbox(key="sql_dialect").set_value("bigquery").run()
    assert not app.exception
    import sqlglot

    sqlglot.parse_one(app.code[0].value, read="bigquery")


def test_no_none_in_the_segment_tables(app):
    app.switch_page("pages/2_Segments.py").run()
    assert not app.exception
    for table in app.dataframe:
        frame = table.value
        if "median_days_between_orders" in frame:
            days = frame["median_days_between_orders"]
            assert days.notna().all() and "None" not in set(days.astype(str))
            one_order = frame["one_time_share"] == 1
            assert (days[one_order] == "one order each").all()
