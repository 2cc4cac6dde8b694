"""Each kind of messiness the extract contract describes is present, counted against the
ground truth."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

FREE_MAIL = {
    "gmail.com",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "hotmail.fr",
    "yahoo.fr",
    "laposte.net",
    "sfr.fr",
    "outlook.fr",
}


def luhn_ok(digits: str) -> bool:
    """Luhn, written here independently of the generator."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        d = int(char) * (2 if position % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def test_formats_per_source(sample):
    erp = sample / "erp" / "subscriptions" / "2026-01-01" / "subscriptions_20260101.csv"
    raw = erp.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "ERP files are UTF-8 with a BOM"
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.split(";")[:3] == ["subscription_id", "customer_id", "product_id"]
    assert re.search(r";\d+,\d{2};", text), "ERP amounts use a decimal comma"
    assert re.search(r";\d{2}/\d{2}/\d{4};", text), "ERP dates are dd/mm/yyyy"
    crm = sample / "crm" / "opportunities" / "2026-01-01" / "opportunities_20260101.csv"
    crm_raw = crm.read_bytes()
    assert not crm_raw.startswith(b"\xef\xbb\xbf")
    assert crm_raw.decode().splitlines()[0].startswith("opportunity_id,account_id,")
    assert re.search(r",\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z,", crm_raw.decode())
    support = sample / "support" / "organizations" / "2026-01-01" / "organizations_20260101.jsonl"
    import json

    first = json.loads(support.read_text(encoding="utf-8").splitlines()[0])
    assert isinstance(first["domain_names"], list)


def test_thousands_separators_appear_in_erp_amounts(sample):
    text = (
        sample / "erp" / "subscriptions" / "2026-01-01" / "subscriptions_20260101.csv"
    ).read_text(encoding="utf-8-sig")
    assert re.search(r";\d{1,3}[ \u00a0]\d{3},\d{2};", text)


def test_every_client_is_in_one_to_three_systems(truth):
    systems = defaultdict(set)
    for r in truth("source_records"):
        systems[r["true_client_id"]].add(r["source_system"])
    sizes = Counter(len(s) for s in systems.values())
    assert set(sizes) == {1, 2, 3}
    assert len(systems) == len(truth("clients"))


def test_each_messiness_kind_is_applied_and_visible(truth):
    rows = truth("source_records")
    kinds = Counter(k for r in rows for k in r["messiness"].split("|") if k)
    for kind in (
        "legal_form",
        "case",
        "accents",
        "abbreviation",
        "typo",
        "word_order",
        "groupe",
        "ampersand",
    ):
        assert kinds[kind] > 10, kind
    for r in rows:
        name, applied = r["name_as_spelled"], r["messiness"].split("|")
        if "groupe" in applied and "typo" not in applied:
            assert "groupe" in name.lower().split()
        if "ampersand" in applied:
            assert "&" in name
        if "case" in applied:
            assert name in (name.upper(), name.lower())
    # The same client is spelled differently in different systems most of the time.
    by_client = defaultdict(set)
    for r in rows:
        by_client[r["true_client_id"]].add(r["name_as_spelled"])
    multi = [names for names in by_client.values() if len(names) > 1]
    assert len(multi) > 0.5 * len(by_client)


def test_in_system_duplicates_match_the_ground_truth(truth):
    rows = truth("source_records")
    accounts_per_client = Counter(
        r["true_client_id"] for r in rows if r["source_entity"] == "accounts"
    )
    expected = sum(n for n in accounts_per_client.values() if n >= 2)
    flagged = sum(
        r["is_in_system_duplicate"] == "true" for r in rows if r["source_entity"] == "accounts"
    )
    assert expected > 0
    assert flagged == expected


def test_homonyms_are_different_companies(truth):
    clients = truth("clients")
    by_name = defaultdict(list)
    for c in clients:
        base = c["canonical_name"].rsplit(" ", 1)[0]  # drop the legal form
        by_name[base].append(c)
    shared = [group for group in by_name.values() if len(group) > 1]
    assert shared, "some clients share a name"
    for group in shared:
        assert all(c["is_homonym"] == "true" for c in group)
        ids = {(c["siren"], c["city"], c["true_client_id"]) for c in group}
        assert len(ids) == len(group)


def test_erp_sirens_are_sometimes_wrong_or_missing(truth, records):
    status = {
        r["source_id"]: r["siren_status"]
        for r in truth("source_records")
        if r["source_entity"] == "customers"
    }
    latest = {}
    for _, _, row in records("erp", "customers"):
        if row["customer_id"]:
            latest[row["customer_id"]] = row
    counted = Counter()
    for cid, row in latest.items():
        digits = row["siren"].replace(" ", "")
        if not digits:
            counted["missing" if status[cid] != "n/a" else "n/a"] += 1
        elif len(digits) == 9 and digits.isdigit() and luhn_ok(digits):
            counted["valid"] += 1
        else:
            counted["wrong"] += 1
    expected = Counter(status[cid] for cid in latest)
    assert counted["wrong"] > 0 and counted["missing"] > 0
    assert counted == expected


def test_support_uses_free_mail_domains_sometimes(truth, records):
    flagged = {
        r["source_id"]
        for r in truth("source_records")
        if r["source_entity"] == "organizations" and r["free_mail_domain"] == "true"
    }
    on_free = {
        str(row["organization_id"])
        for _, _, row in records("support", "organizations")
        if row["organization_id"] is not None and any(d in FREE_MAIL for d in row["domain_names"])
    }
    assert flagged and on_free == flagged
