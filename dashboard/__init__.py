"""The Streamlit face: session-state keys, cached wrappers of the core, the shared sidebar."""
