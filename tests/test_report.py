"""The HTML report is one self-contained file: plotly.js inline once, every chart, a card per
segment with its KPIs and action, the crosstab; names escaped."""

import re

import pytest

from segmentation.columns.loading import load_transactions
from segmentation.demo import demo_csv_bytes
from segmentation.outcomes.report import html_report
from segmentation.pipeline import Settings, segment


@pytest.fixture(scope="module")
def loaded():
    return load_transactions(demo_csv_bytes(400, 3), "demo.csv")


def test_report_is_self_contained_with_every_section(loaded):
    result = segment(loaded.transactions, Settings(k=3))
    page = html_report(result, "shop <2024>.csv", loaded.notes, "£")
    assert "shop &lt;2024&gt;.csv" in page and "<2024>" not in page
    assert not re.search(r"<script[^>]+src=", page)  # nothing fetched from a network
    assert page.count("Plotly.newPlot") == 4  # elbow, K-Means sizes, grid sizes, crosstab
    assert len(re.findall(r"plotly\.js v\d", page)) == 1  # the library, inline, once
    kmeans = result.kpis("segment")
    grid = result.kpis("rfm_segment")
    assert page.count('class="card"') == len(kmeans) + len(grid)
    for name in set(kmeans["segment"]) | set(grid["segment"]):
        assert f"<h3>{name.replace(chr(39), '&#x27;')}</h3>" in page
    assert "Suggested action:" in page and "Median days between orders" in page
    assert "K-Means segments and RFM score segments" in page


def test_scores_only_report_has_no_kmeans_sections(loaded):
    result = segment(loaded.transactions, Settings(method="scores"))
    page = html_report(result, "demo.csv")
    assert page.count("Plotly.newPlot") == 1 and "plotly.js v" in page
    assert "K-Means" not in page


def test_the_report_speaks_plainly_to_a_manager(loaded):
    result = segment(loaded.transactions, Settings(k=3))
    page = html_report(result, "demo.csv", loaded.notes, "£")
    for raw in ("recency_days_mean", "revenue_share", "monetary_median", "yeojohnson", "boxcox"):
        assert raw not in page
    assert "Share of revenue" in page and "Median days since the last order" in page
    assert "@media print" in page and "@page" in page
    text = re.sub(r"<script.*?</script>", "", page, flags=re.S)  # plotly.js aside
    assert re.search(r"\d\.\d%", text) is None  # one percentage format: whole percents


def test_descriptions_come_from_each_segment_s_own_figures(loaded):
    result = segment(loaded.transactions, Settings(k=3))
    page = html_report(result, "demo.csv", loaded.notes, "£")
    customers = result.customers
    overall = customers["recency_days"].median()
    for name, part in customers.groupby("segment"):
        days = part["recency_days"].median()
        # Worked out from the customers of the segment, not from the playbook's wording.
        said = f"Last order a median {days:,.0f} days ago (all customers: {overall:,.0f})"
        assert said in page, name
        orders = part["frequency"].mean()
        assert f"{orders:,.1f} orders and £{part['monetary'].mean():,.0f} per customer" in page


def test_medians_are_rounded_as_in_the_customer_file(loaded):
    from segmentation.outcomes.export import rounded

    result = segment(loaded.transactions, Settings(k=3))
    page = html_report(result, "demo.csv", loaded.notes, "£")
    for value in rounded(result.profile)["monetary_median"]:
        assert f"£{value:,.2f}" in page
