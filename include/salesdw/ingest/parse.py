"""SQL that types a landed file's text and finds the values that break the contract's rules.

Each function returns one SQL expression or one ``select``, built from contract.py, and is
tested by running it on DuckDB in memory (tests/ingest/test_parse.py). No per-row Python:
parsing a file is one query.
"""

from __future__ import annotations

import duckdb

from salesdw.contract import DATE_WINDOW_YEARS, SOURCES, Column, Entity, SourceFormat
from salesdw.ingest.batch import MAX_VALUE_CHARS
from salesdw.warehouse import literal, sql_type

TRUE_WORDS = ("true", "1", "oui", "yes", "t", "y", "vrai")
FALSE_WORDS = ("false", "0", "non", "no", "f", "n", "faux")
PLAIN_NUMBER = "[+-]?[0-9]+([.][0-9]+)?"
"""Plain decimal notation, once separators are normalised: no exponent, no inf or nan."""
EXTRACT_DATE = (
    "coalesce(try_cast(regexp_extract(_file, '/([0-9]{4}-[0-9]{2}-[0-9]{2})/', 1) as date), "
    "current_date)"
)
"""A row's extract date, from its file's landing path (``<source>/<entity>/<date>/<name>``)."""
ISO = SourceFormat(file_format="csv", extension="csv")
"""How typed files (JSON Lines, Parquet) read once their values are text: ISO-8601."""


def _text(column: str) -> str:
    """The raw text of a column, trimmed, with empty meaning null."""
    return f"nullif(trim({column}), '')"


def number_text(column: str, fmt: SourceFormat) -> str:
    """Number text in SQL form: decimal comma and thousands separators (space, no-break
    space, narrow no-break space, or dots before a decimal comma) removed for the ERP."""
    text = _text(column)
    if fmt.decimal_separator != ",":
        return text
    no_spaces = f"replace(replace(replace({text}, ' ', ''), '\u00a0', ''), '\u202f', '')"
    return (
        f"case when contains({no_spaces}, ',') "
        f"then replace(replace({no_spaces}, '.', ''), ',', '.') else {no_spaces} end"
    )


def parse_expression(col: Column, fmt: SourceFormat) -> str:
    """The typed value of one column, or null when its text does not parse."""
    name, text = col.name, _text(col.name)
    if col.type == "string":
        if col.domain:  # canonical spelling of an enumeration: 'Monthly' -> 'monthly'
            cases = " ".join(f"when {literal(v.lower())} then {literal(v)}" for v in col.domain)
            return f"coalesce(case lower({text}) {cases} end, {text})"
        return text
    if col.type in ("int", "decimal"):
        return f"try_cast({number_text(name, fmt)} as {sql_type(col)})"
    if col.type == "date":
        if fmt.date_format == "%Y-%m-%d":
            return f"try_cast({text} as date)"
        return f"cast(try_strptime({text}, {literal(fmt.date_format)}) as date)"
    if col.type == "timestamp":
        if fmt.timestamp_format is None:
            # ISO-8601 with Z or an offset; a naive value is UTC (the session time zone).
            return f"timezone('UTC', try_cast({text} as timestamptz))"
        local = f"try_strptime({text}, {literal(fmt.timestamp_format)})"
        return f"timezone('UTC', timezone({literal(fmt.timezone)}, {local}))"
    if col.type == "bool":
        trues = ", ".join(literal(w) for w in TRUE_WORDS)
        falses = ", ".join(literal(w) for w in FALSE_WORDS)
        return (
            f"case when lower({text}) in ({trues}) then true "
            f"when lower({text}) in ({falses}) then false end"
        )
    if col.type == "string_list":
        return (
            f"case when json_valid({text}) and json_type({text}) = 'ARRAY' "
            f"then cast(json_extract_string({text}, '$[*]') as varchar[]) end"
        )
    raise ValueError(f"no parser for type {col.type!r} of column {name}")


def column_checks(col: Column, fmt: SourceFormat, is_key: bool) -> list[tuple[str, str]]:
    """The contract's rules for this column, in the order they are checked: each rule with
    the SQL condition that is true when the column's value breaks it."""
    name, text = col.name, _text(col.name)
    parsed = parse_expression(col, fmt)
    checks: list[tuple[str, str]] = []
    if is_key:
        checks.append(("missing_key", f"{text} is null"))
    unparseable = {
        "date": "unparseable_date",
        "timestamp": "unparseable_date",
        "int": "unparseable_number",
        "decimal": "unparseable_number",
        "bool": "unparseable_bool",
        "string_list": "unparseable_number",
    }
    if col.type in ("int", "decimal"):
        number = number_text(name, fmt)
        fraction = f"rtrim(regexp_extract({number}, '[.]([0-9]+)$', 1), '0')"
        if fmt.decimal_separator == ",":
            # a dot and no comma in a decimal-comma file: 1,234 or 1.234? never guess
            bare = f"replace(replace({text}, ' ', ''), '\u00a0', '')"
            checks.append(
                ("ambiguous_number", f"regexp_full_match({bare}, '[+-]?[0-9]+[.][0-9]+')")
            )
        if col.type == "int":
            checks.append(
                (
                    "not_an_integer",
                    f"regexp_full_match({number}, '{PLAIN_NUMBER}') and length({fraction}) > 0",
                )
            )
        else:
            checks.append(
                (
                    "excess_precision",
                    f"regexp_full_match({number}, '{PLAIN_NUMBER}') "
                    f"and length({fraction}) > {col.scale}",
                )
            )
        checks.append(
            (
                "unparseable_number",
                f"{text} is not null and (({parsed}) is null "
                f"or not regexp_full_match({number}, '{PLAIN_NUMBER}'))",
            )
        )
    elif col.type in unparseable:
        checks.append((unparseable[col.type], f"{text} is not null and ({parsed}) is null"))
    if col.domain:
        values = ", ".join(literal(v.lower()) for v in col.domain)
        checks.append(("out_of_domain", f"{text} is not null and lower({text}) not in ({values})"))
    if col.non_negative:
        checks.append(("negative_amount", f"({parsed}) < 0"))
    if col.value_range:
        lo, hi = col.value_range
        checks.append(("out_of_range", f"({parsed}) not between {lo} and {hi}"))
    if col.type in ("date", "timestamp"):
        past, future = DATE_WINDOW_YEARS
        checks.append(
            (
                "implausible_date",
                f"({parsed}) not between {EXTRACT_DATE} - interval {past} year "
                f"and {EXTRACT_DATE} + interval {future} year",
            )
        )
    return checks


def violation_expression(col: Column, fmt: SourceFormat, is_key: bool) -> str:
    """The first rule this column's value breaks, as a struct, or null when it is fine."""
    name, checks = col.name, column_checks(col, fmt, is_key)
    if not checks:
        return "null"
    whens = " ".join(
        f"when {condition} then {{'column_name': {literal(name)}, 'rule': {literal(rule)}, "
        f"'value': {name}}}"
        for rule, condition in checks
    )
    return f"case {whens} end"


def clip_sql(text: str) -> str:
    """SQL for a value quoted in the quarantine: at most MAX_VALUE_CHARS characters, then
    its size (a 3 MB broken line is kept whole in ``record``, not in ``value``)."""
    return (
        f"case when length({text}) > {MAX_VALUE_CHARS} then left({text}, {MAX_VALUE_CHARS}) "
        f"|| '... (' || strlen({text}) || ' bytes)' else {text} end"
    )


def checked_select(entity: Entity, fmt: SourceFormat, landed_table: str) -> str:
    """One row per landed record: typed columns, the list of broken values, and the
    record's file, line, original content and drift columns."""
    parsed = [f"{parse_expression(c, fmt)} as {c.name}" for c in entity.columns]
    key = set(entity.key)
    violations = ", ".join(violation_expression(c, fmt, c.name in key) for c in entity.columns)
    # a JSON Lines line that is no object breaks one rule, the line's, and no column's
    line_text = clip_sql("(_record ->> '_line')")
    broken = f"[{{'column_name': '_line', 'rule': _broken, 'value': {line_text}}}]"
    return (
        "select\n    " + ",\n    ".join(parsed) + ",\n"
        f"    case when _broken is not null then {broken}\n"
        f"    else list_filter([{violations}], lambda v: v is not null) end as _violations,\n"
        "    _file,\n    _line_number,\n    _record,\n    _extra,\n    _broken\n"
        f"from {landed_table}"
    )


def check_landed(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """Type and check ``_landed`` into ``_checked``: CSV text in the source's own format,
    JSON Lines and Parquet values as ISO text."""
    present = [r[0] for r in con.execute("select distinct _iso from _landed").fetchall()]
    present = present or [False]  # header-only files: still one (empty) typed batch
    selects = [
        checked_select(entity, fmt, f"(select * from _landed where _iso = {iso})")
        for iso, fmt in ((False, SOURCES[entity.source].format), (True, ISO))
        if iso in present
    ]
    con.execute("create or replace temp table _checked as " + " union all ".join(selects))
