"""A saved recipe at warehouse scale: the SQL it compiles to, and the pandas, DuckDB and Spark
runners."""
