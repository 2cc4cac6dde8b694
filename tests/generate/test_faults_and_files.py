"""Every injected fault is really in the file, where the ground truth says; files.csv is exact."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

from salesdw import contract

BOOL_WORDS = {"true", "false", "1", "0", "oui", "non", "yes", "no", "t", "f"}


def _erp_number(text: str) -> float:
    return float(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))


def _is_number(source: str, value) -> bool:
    if source == "support":
        return isinstance(value, int | float) and not isinstance(value, bool)
    try:
        _erp_number(value) if source == "erp" else float(value)
        return True
    except ValueError:
        return False


def _number(source: str, value) -> float:
    if source == "support":
        return float(value)
    return _erp_number(value) if source == "erp" else float(value)


def _is_date(source: str, kind: str, value: str) -> bool:
    try:
        if source == "erp":
            fmt = "%d/%m/%Y" if kind == "date" else "%d/%m/%Y %H:%M:%S"
            dt.datetime.strptime(value, fmt)
        elif kind == "date":
            dt.date.fromisoformat(value)
        else:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True
    except (ValueError, TypeError):
        return False


def _fault_is_there(source: str, entity: str, column: str, rule: str, value) -> bool:
    """The test's own reading of one broken value."""
    col = contract.entity(source, entity).column(column)
    if rule == "missing_key":
        return value in ("", None)
    if rule == "unparseable_date":
        return not _is_date(source, col.type, value)
    if rule == "unparseable_number":
        return not _is_number(source, value)
    if rule == "negative_amount":
        return _is_number(source, value) and _number(source, value) < 0
    if rule == "out_of_domain":
        return str(value).lower() not in {d.lower() for d in col.domain}
    if rule == "out_of_range":
        return _is_number(source, value) and not (
            col.value_range[0] <= _number(source, value) <= col.value_range[1]
        )
    if rule == "unparseable_bool":
        return str(value).lower() not in BOOL_WORDS
    if rule == "ambiguous_number":  # a dot and no comma where the decimal mark is a comma
        text = str(value)
        return source == "erp" and "." in text and "," not in text and _is_number("crm", text)
    if rule in ("not_an_integer", "excess_precision"):
        mark = "," if source == "erp" else "."
        fraction = str(value).rpartition(mark)[2] if mark in str(value) else ""
        digits = len(fraction.rstrip("0"))
        return _is_number(source, value) and (
            digits > 0 if rule == "not_an_integer" else digits > col.scale
        )
    if rule == "implausible_date":  # the samples' extracts are of 2026: window 1976-2056
        if not _is_date(source, col.type, value):
            return False
        year = int(value[6:10]) if source == "erp" else int(value[:4])
        return not 1976 <= year <= 2056
    raise AssertionError(f"unknown rule {rule}")


def test_every_fault_is_in_its_file_at_its_line(sample, truth, parse):
    faults = [f for f in truth("faults") if f["fault"] != "unreadable_file"]
    assert faults
    for fault in faults:
        path = sample / fault["file"]
        rows = parse(path)
        first = 1 if path.suffix == ".jsonl" else 2
        row = rows[int(fault["line"]) - first]
        value = row[fault["column"]]
        assert _fault_is_there(
            fault["source"], fault["entity"], fault["column"], fault["fault"], value
        ), fault


def test_every_rule_is_exercised(truth):
    counts = Counter(f["fault"] for f in truth("faults"))
    for rule in contract.RULES:
        assert counts[rule] > 0, rule
    assert counts["unreadable_file"] == 1


def test_faults_are_a_small_share_of_delta_rows(truth):
    files = truth("files")
    delta_rows = sum(int(f["data_rows"]) for f in files if f["extract_date"] != "2026-01-01")
    faulty = sum(int(f["faulty_rows"]) for f in files)
    assert 0 < faulty <= 0.02 * delta_rows
    assert all(f["faulty_rows"] == "0" for f in files if f["extract_date"] == "2026-01-01")


def test_the_unreadable_file_is_not_utf8(sample, truth):
    (unreadable,) = [f for f in truth("files") if f["is_unreadable"] == "true"]
    data = (sample / unreadable["file"]).read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        raise AssertionError("the unreadable file decoded as UTF-8")
    assert unreadable["file"].startswith("erp/")


def test_files_csv_lists_exactly_the_landed_files(sample, truth, parse):
    listed = {f["file"]: f for f in truth("files")}
    on_disk = {
        str(p.relative_to(sample)) for p in sample.rglob("*.*") if "_ground_truth" not in p.parts
    }
    assert set(listed) == on_disk
    for name, meta in listed.items():
        data = (sample / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == meta["sha256"], name
        if meta["is_unreadable"] == "true":
            continue
        assert len(parse(sample / name)) == int(meta["data_rows"]), name


def test_one_file_is_delivered_twice_byte_for_byte(sample, truth):
    (again,) = [f for f in truth("files") if f["is_redelivery"] == "true"]
    twins = [f for f in truth("files") if f["sha256"] == again["sha256"]]
    assert len(twins) == 2
    assert {f["extract_date"] for f in twins} == {"2026-01-02", "2026-01-03"}


def test_schema_drift_adds_a_column_from_a_known_day(sample, truth):
    (drift,) = [e for e in truth("events") if e["event"] == "schema_drift"]
    header = (sample / drift["file"]).read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith(",linkedin_url")
    before = sorted((sample / "crm" / "accounts").glob("*/*.csv"))[0]
    assert "linkedin_url" not in before.read_text(encoding="utf-8").splitlines()[0]
