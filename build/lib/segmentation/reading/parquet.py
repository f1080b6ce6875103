"""Parquet files: the schema and a first batch for the preview, then every column."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from .header import SAMPLE_ROWS, Preview, clean_names

if TYPE_CHECKING:
    import pandas as pd


def parquet_preview(data: bytes) -> Preview:
    import pandas as pd
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(io.BytesIO(data))
    sample = next(pf.iter_batches(batch_size=SAMPLE_ROWS), None)
    names = pf.schema_arrow.names
    frame = sample.to_pandas() if sample is not None else pd.DataFrame(columns=names)
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()
    return Preview(columns=clean_names(list(frame.columns)), rows=rows, header_row=0)


def read_parquet(data: bytes, preview: Preview) -> pd.DataFrame:
    import pyarrow.parquet as pq

    table = pq.ParquetFile(io.BytesIO(data)).read()
    return table.rename_columns(preview.columns).to_pandas()
