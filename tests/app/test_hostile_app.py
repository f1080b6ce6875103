"""Every hostile file in the dashboard: an st.error or a result, never an exception."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from tests.data.make_bad_files import cases, csv_rows, good_rows

pytestmark = pytest.mark.slow  # the core's hostile-file tests cover the same files quickly

# In the app the k slider cannot exceed the customers, so that file simply works there; a file
# without a needed column waits on the Data page for it to be chosen (a warning, not an error).
EXPECT = {c.name: ("ok" if c.cli_args else c.expect) for c in cases()}
PENDING = {"no_customer_column.csv": "no customer id column was found"}


@pytest.fixture(scope="module")
def files():
    return {c.name: c.make() for c in cases()}


@pytest.mark.parametrize("name", list(EXPECT))
def test_upload_shows_error_or_result_then_good_file_works(name, files):
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.file_uploader(key="upload").set_value((name, files[name], "application/octet-stream")).run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    if name in PENDING:
        assert PENDING[name] in " ".join(w.value for w in at.warning) and not errors
    elif EXPECT[name] == "ok":
        assert not errors
    else:
        assert EXPECT[name] in errors
    at.file_uploader(key="upload").set_value(("good.csv", csv_rows(good_rows()), "text/csv")).run()
    assert not at.exception and not at.error
    assert any(m.label == "Customers" and m.value == "40" for m in at.metric)
