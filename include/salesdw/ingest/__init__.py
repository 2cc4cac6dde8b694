"""Raw-layer ingestion: parsing, rules, quarantine, load log."""
