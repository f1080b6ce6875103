"""AppTest: every page, and the behaviours a marketer relies on. One behaviour per test."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from segmentation.demo import demo_transactions
from tests.app.conftest import APP
from tests.conftest import xlsx_bytes
from tests.plain import net_rfm_plain

PAGES = [
    "pages/1_Explore.py",
    "pages/2_Segments.py",
    "pages/3_Movement.py",
    "pages/4_Value.py",
    "pages/5_Download.py",
]


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def small_csv(n_customers=300, seed=4) -> bytes:
    return demo_transactions(n_customers, seed).to_csv(index=False).encode()


def customers_after_netting(n_customers=300, seed=4) -> str:
    """How many demo customers keep a positive net spend, by plain pandas."""
    return f"{len(net_rfm_plain(demo_transactions(n_customers, seed))):,}"


def upload(at, name, data, mime="text/csv"):
    at.file_uploader(key="upload").set_value((name, data, mime)).run()
    assert not at.exception
    return at


def test_home_runs_on_demo_data(app):
    assert "demo" in app.info[0].value
    assert metric(app, "Customers") == "3,000"
    assert [s.key for s in app.slider] == ["k", "sample_size"]  # sampling is under Advanced
    assert app.dataframe[0].value["rule"].tolist()[0] == "missing_customer"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(app, page):
    app.switch_page(page).run()
    assert not app.exception
    assert not app.error
    charts = len(app.get("plotly_chart"))
    assert (
        charts
        == {
            "pages/1_Explore.py": 4,
            "pages/2_Segments.py": 7,
            "pages/3_Movement.py": 4,
            "pages/4_Value.py": 2,
            "pages/5_Download.py": 0,
        }[page]
    )
    if page.endswith("Download.py"):
        # customers CSV, per-segment zip, Excel, report, summary, recipe, cleaning report,
        # mailing lists, SQL
        assert len(app.get("download_button")) == 9


def test_no_download_reruns_the_page(app):
    """A download changes nothing the page shows, so its click reruns nothing: a rerun started
    by the click of a file made on demand (the mailing lists, the per-segment zip, the Excel
    workbook) raced the file's own request, and the button could spin for ever."""
    found = {}
    for page in ["app.py", *PAGES]:
        app.switch_page(page).run()
        for button in app.get("download_button"):
            found[button.proto.label] = button.proto.ignore_rerun
    assert len(found) >= 12
    assert [label for label, ignored in found.items() if not ignored] == []


def test_upload_csv(app):
    upload(app, "shop.csv", small_csv())
    # Refunds are netted: customers who returned everything leave (plain pandas says how many).
    assert metric(app, "Customers") == customers_after_netting() != "300"
    assert not app.info  # the demo notice is gone
    app.radio(key="refunds").set_value("drop").run()
    assert metric(app, "Customers") == "300"


def test_upload_xlsx_with_two_sheets(app):
    frame = demo_transactions(200, 9)
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()
    data = xlsx_bytes(
        {"H1": [list(frame.columns), *rows[:3000]], "H2": [list(frame.columns), *rows[3000:]]}
    )
    upload(app, "shop.xlsx", data, "application/vnd.ms-excel")
    assert app.selectbox(key="sheet").value == "All sheets with the same columns"
    assert metric(app, "Rows read") == f"{len(frame):,}"
    app.selectbox(key="sheet").set_value("H2").run()
    assert metric(app, "Rows read") == f"{len(frame) - 3000:,}"


def test_change_mapping(app):
    app.selectbox(key="map_customer_id").set_value("Country").run()
    assert not app.exception
    assert metric(app, "Customers") == "7"  # now one 'customer' per country


def test_toggle_cleaning_rule_changes_report(app):
    before = app.dataframe[0].value.set_index("rule").loc["duplicates", "rows_removed"]
    kept = metric(app, "Rows kept")
    app.toggle(key="clean_duplicates").set_value(False).run()
    table = app.dataframe[0].value.set_index("rule")
    assert before > 0 and table.loc["duplicates", "rows_removed"] == 0
    assert metric(app, "Rows kept") == f"{int(kept.replace(',', '')) + before:,}"


def test_change_k_gives_k_profiles(app):
    app.switch_page("pages/2_Segments.py").run()
    app.slider(key="k").set_value(5).run()
    profile = next(d.value for d in app.dataframe if "monetary_mean" in d.value.columns)
    assert profile["cluster"].tolist() == [0, 1, 2, 3, 4]
    assert len([t for t in app.text_input if t.key.startswith("segment_name_")]) == 5


def test_change_transform_changes_skewness_and_chart(app):
    app.switch_page("pages/1_Explore.py").run()
    caption = [c.value for c in app.caption if c.value.startswith("In use")][2]
    chart = json.loads(app.get("plotly_chart")[2].proto.spec)
    app.selectbox(key="transform_monetary").set_value("none").run()
    assert [c.value for c in app.caption if c.value.startswith("In use")][2] != caption
    assert (
        "In use: **original**" in [c.value for c in app.caption if c.value.startswith("In use")][2]
    )
    assert json.loads(app.get("plotly_chart")[2].proto.spec) != chart


def test_rename_segment_reaches_the_export(app):
    app.switch_page("pages/2_Segments.py").run()
    app.text_input(key="segment_name_0").input("VIP shoppers").run()
    assert not app.exception
    app.switch_page("pages/5_Download.py").run()
    preview = app.dataframe[0].value
    assert set(preview.loc[preview["cluster"] == 0, "segment"]) == {"VIP shoppers"}
    assert "VIP shoppers" in app.caption[0].value


def test_bad_file_then_good_file(app):
    upload(app, "broken.xlsx", b"\x00garbage" * 100, "application/octet-stream")
    assert "Could not use 'broken.xlsx'" in app.error[0].value
    assert metric(app, "Customers") == "3,000"  # the demo data is still in use
    upload(app, "shop.csv", small_csv())
    assert not app.error
    assert metric(app, "Customers") == customers_after_netting()


def test_a_file_missing_a_column_waits_until_it_is_chosen(app):
    data = b"Name,When,Amount\na,2024-01-01,3\nb,2024-01-05,4\nc,2024-01-07,9\na,2024-01-09,2\n"
    upload(app, "no_customer.csv", data)
    assert "no customer id column was found" in app.warning[0].value
    assert metric(app, "Customers") == "3,000"  # the demo data stays in use
    assert "demo" in app.sidebar.caption[0].value
    app.selectbox(key="pending_map_customer_id").set_value("Name").run()
    app.button(key="use_pending").click().run()
    assert not app.exception
    assert metric(app, "Customers") == "3"
    assert "no_customer.csv" in app.sidebar.caption[0].value


def test_a_contacts_list_stays_pending_and_the_segments_page_keeps_working(app):
    contacts = b"Email,First name,Country\na@x.com,Ann,UK\nb@x.com,Bo,FR\n"
    upload(app, "contacts.csv", contacts)
    assert "not in use yet" in app.warning[0].value
    app.switch_page("pages/2_Segments.py").run()
    assert not app.exception and not app.error
    assert len(app.get("plotly_chart")) == 7


def test_sessions_do_not_share_data():
    one = AppTest.from_file(str(APP), default_timeout=120).run()
    two = AppTest.from_file(str(APP), default_timeout=120).run()
    upload(one, "a.csv", small_csv(300, 1))
    upload(two, "b.csv", small_csv(150, 2))
    one.run()
    assert metric(one, "Customers") == customers_after_netting(300, 1)
    assert metric(two, "Customers") == customers_after_netting(150, 2)
    assert "a.csv" in one.sidebar.caption[0].value and "b.csv" in two.sidebar.caption[0].value


def test_custom_snapshot_starts_at_the_default_and_changes_recency(app):
    import datetime

    app.toggle(key="snapshot_custom").set_value(True).run()
    default = app.date_input(key="snapshot").value
    assert default == datetime.date(2025, 1, 1)  # the day after the demo's last invoice
    app.switch_page("pages/1_Explore.py").run()
    before = app.dataframe[0].value.loc["Recency (days)", "Mean"]
    app.switch_page("app.py").run()
    app.date_input(key="snapshot").set_value(default + datetime.timedelta(days=30)).run()
    app.switch_page("pages/1_Explore.py").run()
    assert app.dataframe[0].value.loc["Recency (days)", "Mean"] == before + 30


OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]


def test_a_segment_has_one_colour_in_every_chart(app):
    app.switch_page("pages/2_Segments.py").run()
    specs = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    traces = [t for spec in specs for t in spec["data"]]
    snake = {
        t["name"]: t["line"]["color"]
        for t in traces
        if t.get("type") == "scatter" and t["name"][0].isdigit()
    }
    scatter = {t["name"]: t["marker"]["color"] for t in traces if t.get("type") == "scatter3d"}
    bars = next(t for t in traces if t.get("type") == "bar")
    sizes = dict(zip(bars["x"], bars["marker"]["color"], strict=True))
    assert snake == scatter == sizes
    # Clusters are numbered by value: the most valuable gets the palette's first colour.
    by_cluster = {int(name.split(":")[0]): colour for name, colour in snake.items()}
    assert [by_cluster[c] for c in sorted(by_cluster)] == OKABE_ITO[: len(by_cluster)]


def test_k_and_names_are_kept_after_a_transform_change(app):
    app.switch_page("pages/2_Segments.py").run()
    app.slider(key="k").set_value(5).run()
    app.text_input(key="segment_name_0").input("VIP shoppers").run()
    app.switch_page("pages/1_Explore.py").run()
    app.selectbox(key="transform_monetary").set_value("log").run()
    assert not app.exception
    app.switch_page("pages/2_Segments.py").run()
    assert app.slider(key="k").value == 5
    assert app.text_input(key="segment_name_0").value == "VIP shoppers"


def test_a_name_typed_just_before_leaving_the_page_is_kept(app):
    """The user types a name and at once opens another page: the Segments page never reruns
    with the name (a busy server drops the interrupted rerun), yet the name is kept, and it
    follows its segment through a transform change."""
    app.switch_page("pages/2_Segments.py").run()
    app.text_input(key="segment_name_0").input("VIP shoppers")
    app.switch_page("pages/1_Explore.py").run()
    app.selectbox(key="transform_monetary").set_value("log").run()
    app.switch_page("pages/2_Segments.py").run()
    assert app.text_input(key="segment_name_0").value == "VIP shoppers"


def test_equal_names_merge_segments_in_the_downloads(app):
    app.switch_page("pages/2_Segments.py").run()
    app.slider(key="k").set_value(4).run()
    app.text_input(key="segment_name_2").input("Win back").run()
    app.text_input(key="segment_name_3").input("Win back").run()
    assert any("are all called 'Win back'" in i.value for i in app.info)
    app.switch_page("pages/5_Download.py").run()
    customers = app.dataframe[0].value
    assert set(customers.loc[customers["cluster"].isin([2, 3]), "segment"]) == {"Win back"}


def test_a_sampled_fit_downloads_every_customer(app):
    upload(app, "shop.csv", small_csv())
    everyone = int(metric(app, "Customers").replace(",", ""))
    app.slider(key="sample_size").set_value(150).run()
    app.switch_page("pages/5_Download.py").run()
    assert not app.exception
    assert any("fitted on a sample of 150 customers" in i.value for i in app.info)
    assert len(app.dataframe[0].value) == everyone


def test_choice_boxes_say_automatic_and_show_the_date_order_read(app):
    data = (
        b"Customer,Invoice,Date,Amount\nA,1,05.03.2012,10\nB,2,06.03.2012,20\nA,3,07.04.2012,5\n"
        b"C,4,08.04.2012,7\n"
    )
    upload(app, "dotted.csv", data)
    date_box = app.selectbox(key="dayfirst")
    assert date_box.value == "auto"
    assert date_box.format_func("auto") == "automatic: day/month/year"
    assert app.selectbox(key="frequency").format_func(app.selectbox(key="frequency").value) == (
        "automatic"
    )


def test_a_link_restores_the_views_settings_and_follows_changes():
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update({"k": "5", "monetary": "log", "seed": "7"})
    at.run()
    at.switch_page("pages/2_Segments.py").run()
    assert not at.exception
    assert at.slider(key="k").value == 5
    assert at.session_state["transform_monetary"] == "log"
    assert at.number_input(key="seed").value == 7
    at.slider(key="k").set_value(4).run()
    assert at.query_params["k"] == ["4"] or at.query_params["k"] == "4"
    # The link's k also applies to the file uploaded after the reload.
    at.switch_page("app.py").run()
    upload(at, "shop.csv", small_csv())
    at.switch_page("pages/2_Segments.py").run()
    assert at.slider(key="k").value == 4


def test_the_cleaning_report_stays_when_segments_cannot_be_made(app):
    # Every customer bought once: no spread in frequency, so no segments, but the report shows.
    data = b"Customer,Date,Amount\na,2024-01-01,3\nb,2024-01-05,4\nc,2024-01-07,9\n"
    upload(app, "once.csv", data)
    assert "same frequency" in app.error[0].value
    assert metric(app, "Customers") == "3"


def test_a_workbook_with_a_summary_sheet_in_front_is_read_from_its_data_sheet(app):
    rows = demo_transactions(60, 3)
    data = xlsx_bytes(
        {
            "Summary": [["Country", "Revenue"], ["UK", 1000], ["FR", 20]],
            "Orders": [
                list(rows.columns),
                *rows.astype(object).where(rows.notna(), None).values.tolist(),
            ],
        }
    )
    upload(app, "book.xlsx", data, "application/vnd.ms-excel")
    assert not app.error
    assert metric(app, "Customers") == customers_after_netting(60, 3)


def test_a_rename_keeps_the_action_and_a_grid_name_is_refused(app):
    from segmentation.outcomes.playbook import PLAYBOOK

    app.switch_page("pages/2_Segments.py").run()
    app.text_input(key="segment_name_0").input("VIP Fans").run()
    app.text_input(key="segment_name_1").input("Champions").run()  # the RFM grid's name
    assert not app.exception
    assert any("'Champions' is already the name of an RFM grid segment" in w.value
               for w in app.warning)  # fmt: skip
    app.switch_page("pages/5_Download.py").run()
    preview = app.dataframe[0].value
    vip = preview[preview["cluster"] == 0]
    assert set(vip["segment"]) == {"VIP Fans"}
    # The action is the playbook row of the cluster's kind, whatever its name.
    assert vip["action"].iloc[0] in set(PLAYBOOK["action"])
    assert "Champions" not in set(preview["segment"])  # one name, one group
    assert not set(preview["segment"]) & set(preview["rfm_segment"])


def test_the_mailing_lists_hold_consenting_customers_with_an_address(app):
    import io

    import pandas as pd

    import segmentation as seg

    app.switch_page("pages/5_Download.py").run()
    button = next(b for b in app.get("download_button") if b.proto.label.startswith("Mailing"))
    assert not button.proto.disabled
    # Plain count: the demo's customers whose latest address is an address and who said yes.
    raw = pd.read_csv(io.BytesIO(seg.demo_csv_bytes()))
    latest = raw.sort_values("InvoiceDate", kind="stable").groupby("CustomerID").last()
    ok = latest["Email"].fillna("").str.contains("@") & latest["Accepts Marketing"].eq("yes")
    caption = next(c.value for c in app.caption if "customers listed" in c.value)
    assert f"{int(ok.sum()):,} customers listed" in caption
    assert "Email Address, First Name, Last Name, Tags" in caption


def test_a_file_that_does_not_say_its_currency_gets_one_from_the_chooser(app):
    frame = demo_transactions(300, 4)
    assert not any("currenc" in c.lower() for c in frame.columns)
    upload(app, "shop.csv", frame.to_csv(index=False).encode())
    assert metric(app, "Revenue kept")[0] not in "€$£"
    app.selectbox(key="currency").set_value("EUR").run()
    assert not app.exception
    assert metric(app, "Revenue kept").startswith("€")
    assert any("EUR (your choice: the file does not say)" in str(d.value.values)
               for d in app.dataframe)  # fmt: skip


def test_a_saved_recipe_labels_a_new_file_as_the_command_line_does(app):
    """Fit on one file, save the recipe, upload another file and the recipe on the Data page:
    the labels are those of apply_recipe, the command line's --apply-recipe path."""
    import segmentation as seg

    old = seg.load_transactions(seg.demo_csv_bytes(600, 3), "march.csv")
    text = seg.recipe_to_json(seg.segment(old.transactions, seg.Settings(k=3)).recipe())
    new_file = small_csv(300, 9)
    upload(app, "april.csv", new_file)
    recipe = ("march_recipe.json", text.encode(), "application/json")
    app.file_uploader(key="recipe_upload").set_value(recipe).run()
    assert not app.exception and not app.error
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Customers labelled by march_recipe.json (CSV)" in labels
    new = seg.load_transactions(new_file, "april.csv")
    expected, _ = seg.apply_recipe(new.transactions, seg.Recipe.from_json(text))
    captions = " ".join(c.value for c in app.caption)
    for name, count in expected["segment"].value_counts().items():
        assert f"{name} ({seg.count(count, 'customer')})" in captions
    # A broken recipe is said in one line; the file in use stays.
    app.file_uploader(key="recipe_upload").set_value(("bad.json", b"{", "application/json")).run()
    assert any("Could not use 'bad.json'" in e.value for e in app.error)


def test_every_page_says_when_the_data_is_the_demo_again(app):
    from dashboard.pages import DEMO_AGAIN

    for page in ("pages/1_Explore.py", "pages/4_Value.py", "pages/5_Download.py"):
        app.switch_page(page).run()
        assert any(i.value == DEMO_AGAIN for i in app.info), page
    app.switch_page("app.py").run()
    upload(app, "shop.csv", small_csv())
    app.switch_page("pages/1_Explore.py").run()
    assert not any(i.value == DEMO_AGAIN for i in app.info)
