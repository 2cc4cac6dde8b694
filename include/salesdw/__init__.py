"""salesdw: an Airflow-orchestrated sales data warehouse."""

__version__ = "0.1.0"
