"""The dashboard people open instead of writing SQL (``salesdw dashboard``): a Streamlit app
over the published DuckDB file or the PostgreSQL serving layer (docs/dashboard.md)."""
