"""The ERP: customers, products, quotes, orders, invoices, subscriptions, rates, staff; and the
PLM's product master (``plm_products``), delivered beside the ERP's files."""

from __future__ import annotations

from salesdw.contract.model import CURRENCIES, Entity, Source, SourceFormat, col

ERP = Source(
    "erp",
    SourceFormat(
        file_format="csv",
        extension="csv",
        delimiter=";",
        decimal_separator=",",
        date_format="%d/%m/%Y",
        timestamp_format="%d/%m/%Y %H:%M:%S",
        encoding="utf-8-sig",
        timezone="Europe/Paris",
    ),
    (
        Entity(
            "erp",
            "customers",
            (
                col("customer_id", key=True),
                col("company_name"),
                col("siren"),
                col("vat_number"),
                col("address", pii=True),
                col("postal_code"),
                col("city"),
                col("country"),
                col("phone", pii=True),
                col("email", pii=True),
                col("website"),
                col("created_at", "timestamp"),
                col("updated_at", "timestamp"),
                col("is_deleted", "bool"),
            ),
        ),
        Entity(
            "erp",
            "products",
            (
                col("product_id", key=True),
                col("product_name"),
                col("family"),
                col("is_recurring", "bool"),
                col("billing_period", domain=("monthly", "annual", "one_off")),
                col("list_price", "decimal", non_negative=True),
                col("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "plm_products",
            (
                # The product master of the PLM: what ERP product ids (erp_product_id) and
                # CRM product references map to (docs/sources/plm.md).
                col("product_id", key=True),
                col("product_name"),
                col("family"),
                col(
                    "lifecycle_status",
                    domain=("in_design", "released", "phase_out", "obsolete"),
                ),
                col("version"),
                col("launch_date", "date"),
                col("erp_product_id"),
                col("updated_at", "timestamp"),
                col("is_deleted", "bool"),
            ),
        ),
        Entity(
            "erp",
            "subscriptions",
            (
                col("subscription_id", key=True),
                col("customer_id"),
                col("product_id"),
                col("start_date", "date"),
                col("end_date", "date"),
                col("billing_period", domain=("monthly", "annual", "one_off")),
                col("amount", "decimal", non_negative=True),
                col("currency", domain=CURRENCIES),
                col("status", domain=("active", "cancelled", "ended", "pending")),
                col("updated_at", "timestamp"),
                # Why the client cancelled (the ERP's free "motif de résiliation"), on a
                # cancelled subscription; empty when none was entered.
                col("termination_reason", optional=True),
            ),
        ),
        Entity(
            "erp",
            "quotes",
            (
                col("quote_id", key=True),
                col("customer_id"),
                col("quote_date", "date"),
                col("amount", "decimal", non_negative=True),
                col("currency", domain=CURRENCIES),
                col("status", domain=("sent", "accepted", "refused", "expired")),
                col("refusal_reason"),
                col("refusal_detail"),
                col("updated_at", "timestamp"),
                # The ERP product quoted (docs/sources/plm.md).
                col("product_id", optional=True),
                col("discount_pct", "decimal", value_range=(0, 100), optional=True),
            ),
        ),
        Entity(
            "erp",
            "invoices",
            (
                # Credit notes carry negative totals: no sign rule on invoice amounts.
                col("invoice_id", key=True),
                col("customer_id"),
                col("invoice_date", "date"),
                col("due_date", "date"),
                col("currency", domain=CURRENCIES),
                col("total_excl_tax", "decimal"),
                col("tax", "decimal"),
                col("total_incl_tax", "decimal"),
                col("status", domain=("issued", "paid", "overdue", "cancelled", "credit_note")),
                col("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "invoice_lines",
            (
                col("invoice_line_id", key=True),
                col("invoice_id"),
                col("product_id"),
                col("subscription_id"),
                col("quantity", "decimal"),
                col("unit_price", "decimal", scale=4),
                col("discount_pct", "decimal", value_range=(0, 100)),
                col("amount_excl_tax", "decimal"),
                col("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "orders",
            (
                col("order_id", key=True),
                col("customer_id"),
                col("order_date", "date"),
                col("promised_date", "date"),
                col("delivered_date", "date"),
                col("status", domain=("open", "shipped", "delivered", "cancelled")),
                col("amount_excl_tax", "decimal", non_negative=True),
                col("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "expenses",
            (
                col("expense_id", key=True),
                col("expense_date", "date"),
                col("category"),
                col("channel"),
                col("amount", "decimal", non_negative=True),
                col("currency", domain=CURRENCIES),
                col("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "employees",
            (
                col("employee_id", key=True),
                col("full_name", pii=True),
                col("email", pii=True),
                col("role", domain=("SDR", "MDR", "AE", "manager", "other")),
                col("team"),
                col("hire_date", "date"),
                col("leave_date", "date"),
                col("monthly_quota", "decimal", non_negative=True),
                col("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "erp",
            "exchange_rates",
            (
                col("currency", key=True),
                col("rate_date", "date", key=True),
                col("eur_per_unit", "decimal", non_negative=True, scale=6),
            ),
            version_column=None,
        ),
    ),
)
