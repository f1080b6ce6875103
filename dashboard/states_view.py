"""The Data page's order states: every value of the file's state and flag columns, with its rows
and money, read as the reader understood it (pre-set) or waiting for the user's word."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

import segmentation as seg

from . import state as S

OPTIONS = list(seg.MEANING_WORDS)


def _choose(column: str, value: str) -> None:
    meaning = st.session_state[S.state_key(column, value)]
    choices = dict(st.session_state.get(S.STATUS_CHOICES, {}))
    choices[(column, value)] = meaning
    st.session_state[S.STATUS_CHOICES] = choices


def draw(states: Sequence[seg.StateValue], symbol: str = "", expanded: bool = False) -> None:
    """One choice per value, grouped by column; a value nobody knows has no choice yet."""
    if not states:
        return
    unknown = sum(s.meaning is None for s in states)
    title = "Order states" + (f": {unknown} values need your word" if unknown else "")
    with st.expander(title, expanded=expanded or bool(unknown)):
        st.caption(
            "What each value of the file's status, type and flag columns means. Rows that are "
            "no sale are left out; refunds follow the refunds choice below."
        )
        columns: dict[str, list[seg.StateValue]] = {}
        for s in states:
            columns.setdefault(s.column, []).append(s)
        for column, values in columns.items():
            st.markdown(f"**{column}**")
            grid = st.columns(3)
            for i, s in enumerate(values):
                key = S.state_key(column, s.value)
                if key not in st.session_state and s.meaning is not None:
                    st.session_state[key] = s.meaning
                extra = {} if key in st.session_state else {"index": None}
                grid[i % 3].selectbox(
                    f"'{s.value}': {seg.count(s.rows, 'row')}, {symbol}{s.money:,.2f}",
                    OPTIONS,
                    key=key,
                    format_func=seg.MEANING_WORDS.get,
                    placeholder="choose what it means",
                    on_change=_choose,
                    args=(column, s.value),
                    **extra,
                )


def draw_orders(orders: Sequence[seg.OrderAsRead], symbol: str = "") -> None:
    """Three orders as read: the file's rows, the lines read, the total."""
    if not orders:
        return
    with st.expander("Three orders as read"):
        for order in orders:
            st.markdown(
                f"**Order {order.order_id}**: {len(order.raw)} rows in the file, "
                f"{len(order.lines)} lines read, total {symbol}{order.total:,.2f}"
            )
            st.dataframe(order.raw, hide_index=True, width="stretch")
            st.dataframe(order.lines, hide_index=True, width="stretch")
