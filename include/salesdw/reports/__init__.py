"""What salesdw prints: the run summary, the ingestion report, the audit and quarantine
printouts. Each report's SQL is in a ``.sql`` file beside it (see sql.py)."""
