"""The command line and the dashboard run the same stages: same customers, labels, profile."""

from __future__ import annotations

import pandas as pd
import pytest

from segmentation.cli import main
from segmentation.demo import demo_transactions
from tests.app.test_app import upload


def test_command_line_and_dashboard_give_the_same_segments(app, tmp_path):
    data = demo_transactions(250, 8).to_csv(index=False).encode()
    path = tmp_path / "shop.csv"
    path.write_bytes(data)
    out, summary = tmp_path / "customers.csv", tmp_path / "summary.csv"
    assert main([str(path), "--k", "4", "--out", str(out), "--summary", str(summary)]) == 0
    cli_customers = pd.read_csv(
        out, encoding="utf-8-sig", dtype={"customer_id": str, "rfm_score": str}
    )
    cli_profile = pd.read_csv(summary, encoding="utf-8-sig")

    upload(app, "shop.csv", data)
    app.switch_page("pages/2_Segments.py").run()
    app.slider(key="k").set_value(4).run()
    assert not app.exception
    profile = next(d.value for d in app.dataframe if "monetary_mean" in d.value.columns)
    app.switch_page("pages/5_Download.py").run()
    customers = app.dataframe[0].value

    assert len(customers) == len(cli_customers) < 500  # the preview holds every customer
    pd.testing.assert_frame_equal(
        customers.reset_index(drop=True), cli_customers, check_dtype=False, atol=0.005
    )
    pd.testing.assert_frame_equal(
        profile.reset_index(drop=True), cli_profile, check_dtype=False, atol=0.005
    )  # the summary file is rounded: money and means to cents, shares to 4 places


@pytest.mark.slow
def test_stability_is_computed_on_demand_and_kept_per_k(app):
    app.switch_page("pages/2_Segments.py").run()
    assert not [c for c in app.get("plotly_chart") if c.proto.id.endswith("stability")]
    app.button(key="stability_run").click().run()
    assert not app.exception
    charts = len(app.get("plotly_chart"))
    k = app.slider(key="k").value
    app.slider(key="k").set_value(k + 1).run()  # a new k: no check until asked again
    assert len(app.get("plotly_chart")) == charts - 2
    app.slider(key="k").set_value(k).run()  # back: the check is still there
    assert len(app.get("plotly_chart")) == charts
