"""Serving: the published marts and audit trail in PostgreSQL, with differentiated access.

After a publication passes the gate, ``publish.serve_publication`` copies its DuckDB file into
a private schema of the serving database (``SALESDW_SERVE_URI``) and swaps it in behind the
``marts``, ``audit`` and ``serving`` schemas in one transaction. What each login reads there
(which marts, which rows, which columns unmasked) and who may change data is ``access.yml``
(``model``), applied at every publication and checked by ``salesdw access check`` (``drift``).
"""
