"""The Download page's scoring query: the recipe as SQL in the dialect the user picks."""

from __future__ import annotations

import streamlit as st

import segmentation as seg

from . import state as S

DIALECT_NAMES = {
    "duckdb": "DuckDB",
    "spark": "Spark SQL",
    "bigquery": "BigQuery",
    "snowflake": "Snowflake",
    "postgres": "PostgreSQL",
}


def draw(recipe: dict) -> None:
    st.subheader("Score every customer where the data lives")
    st.caption(
        "The recipe as one SQL query over a table named **transactions** with your file's "
        "columns: a data team runs it in the warehouse, or the command line scores a large "
        "file on this machine (python -m segmentation score FILE --apply-recipe recipe.json "
        "--engine duckdb)."
    )
    st.session_state.setdefault(S.SQL_DIALECT, "duckdb")
    dialect = st.selectbox(
        "SQL dialect", list(seg.DIALECTS), key=S.SQL_DIALECT, format_func=DIALECT_NAMES.get
    )
    try:
        query = seg.compile_recipe(seg.Recipe.from_dict(recipe), dialect)
    except seg.SegmentationError as exc:
        st.info(f"{exc}", icon=":material/info:")
        return
    with st.expander("The query"):
        st.code(query, language=None)  # plain: the highlighting colours are too faint
    st.download_button(
        f"Scoring query ({DIALECT_NAMES[dialect]}, .sql)",
        query,
        f"score_customers_{dialect}.sql",
        "application/sql",
        key="dl_sql",
        icon=":material/download:",
        on_click="ignore",
    )
