"""Write, audit, publish: the gate between the build warehouse and BI (see gate.py)."""
