"""Data-quality checks: Great Expectations at the boundaries, results kept for auditors."""
