"""The support desk: organizations, tickets and satisfaction surveys."""

from __future__ import annotations

from salesdw.contract.model import Entity, Source, SourceFormat, col

SUPPORT = Source(
    "support",
    SourceFormat(file_format="jsonl", extension="jsonl"),
    (
        Entity(
            "support",
            "organizations",
            (
                col("organization_id", key=True),
                col("name"),
                col("domain_names", "string_list"),
                col("external_id"),
                col("created_at", "timestamp"),
                col("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "support",
            "tickets",
            (
                col("ticket_id", key=True),
                col("organization_id"),
                col("requester_email", pii=True),
                col("subject"),
                col("category"),
                col("priority", domain=("low", "normal", "high", "urgent")),
                col("channel"),
                col("status", domain=("new", "open", "pending", "hold", "solved", "closed")),
                col("created_at", "timestamp"),
                col("first_response_at", "timestamp"),
                col("solved_at", "timestamp"),
                col("sla_first_response_minutes", "int", non_negative=True),
                col("sla_resolution_minutes", "int", non_negative=True),
                col("updated_at", "timestamp"),
            ),
        ),
        Entity(
            "support",
            "surveys",
            (
                col("response_id", key=True),
                col("organization_id"),
                col("respondent_email", pii=True),
                col("score", "int", value_range=(0, 10)),
                col("comment", pii=True),
                col("responded_at", "timestamp"),
            ),
            version_column="responded_at",
        ),
    ),
)
