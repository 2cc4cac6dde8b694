"""The dbt project builds on DuckDB and on Spark (docs/scale-out.md): a model or macro that
calls a DuckDB-only function, or uses DuckDB-only syntax, outside the cross-database macros
of macros/cross_db.sql fails here, with the file, the line and the construct."""

from __future__ import annotations

import re
from pathlib import Path

from tests.dbt_project.conftest import DBT_DIR

CROSS_DB_MACROS = "cross_db.sql"
"""The one file where DuckDB-only SQL may appear: the duckdb__ side of each macro."""

DUCKDB_ONLY = {
    r"\blist_\w+\s*\(": "list_* function: array_* macros",
    r"\blist\s*\(": "list() aggregate: array_agg_values",
    r"\bregexp_matches\s*\(": "regexp_matches: regexp_contains",
    r"\bregexp_full_match\s*\(": "regexp_full_match: the regexp_full_match macro",
    r",\s*'g'\s*\)": "regexp flag 'g': regexp_global",
    r"\bstrip_accents\s*\(": "strip_accents: the strip_accents macro",
    r"\barg_(min|max)\s*\(": "arg_min/arg_max: min_by/max_by",
    r"\bquantile_(cont|disc)\s*\(": "quantile_cont: quantile",
    r"\bgenerate_series\s*\(": "generate_series: date_series_rows",
    r"\bunnest\s*\(": "unnest: date_series_rows / values_rows",
    r"\brange\s*\(": "range(): integer_range",
    r"\bjson_extract\w*\s*\(": "json_extract*: json_string",
    r"\b(string_split|str_split|string_split_regex)\s*\(": "string_split: the string_split macro",
    r"\barray_to_string\s*\(": "array_to_string: array_join",
    r"\blen\s*\(": "len(): array_length",
    r"\bepoch(_ms|_us|_ns)?\s*\(": "epoch(): epoch_seconds",
    r"\b(date_diff|datediff)\s*\(": "date_diff: date_difference",
    r"\b(isodow|dayofweek|weekday)\s*\(": (
        "day of the week (numbered differently on each engine): iso_weekday"
    ),
    r"\bto_days\s*\(": "to_days(): add_days",
    r"\bmedian\s*\(": "median(): median_of",
    r"\b(strftime|strptime|struct_pack|list_value|string_agg|listagg|group_concat)\s*\(": (
        "DuckDB-only function: add a macro to cross_db.sql"
    ),
    r"\blambda\s+\w+\s*:": "DuckDB lambda: array_filter / array_transform",
    r"\bmap\s*\{": "map literal: map_lookup",
    r"\{\s*'\w+'\s*:": "struct literal: struct_of",
    r"(?:^|[\s(,=])\[": "list literal: array_of / values_rows",
    r"(::|\bas\s+)(varchar|text)\b(?!\s*\()": "varchar without a length: type_text",
    r"::\s*(hugeint|uhugeint|ubigint|uinteger|usmallint|utinyint|blob|json)\b": (
        "DuckDB-only type"
    ),
}

_JINJA = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
_SQL_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")


def _blank(match: re.Match) -> str:
    """The match replaced by nothing but its line breaks, so line numbers stay right."""
    return "\n" * match.group(0).count("\n")


def _empty_string(match: re.Match) -> str:
    """A string literal emptied (a pattern's [a-z] is no list), but for the 'g' flag."""
    return match.group(0) if match.group(0) == "'g'" else "''" + "\n" * match.group(0).count("\n")


def duckdb_only_constructs(project: Path) -> list[str]:
    """`file:line: construct (what to use)` for each DuckDB-only construct in the project's
    models, macros and data tests outside macros/cross_db.sql, Jinja and comments left out."""
    found = []
    for folder in ("models", "macros", "tests"):
        for path in sorted((project / folder).rglob("*.sql")):
            if path.name == CROSS_DB_MACROS:
                continue
            sql = _JINJA.sub(_blank, path.read_text(encoding="utf-8"))
            sql = _STRING.sub(_empty_string, _SQL_COMMENT.sub("", sql))
            for pattern, advice in DUCKDB_ONLY.items():
                for match in re.finditer(pattern, sql, re.I):
                    line = sql.count("\n", 0, match.start()) + 1
                    found.append((path.relative_to(project), line, match.group(0).strip(), advice))
    return [
        f"{where}:{line}: {construct} ({advice})"
        for where, line, construct, advice in sorted(found)
    ]


def test_the_project_uses_no_duckdb_only_sql_outside_the_cross_db_macros():
    assert duckdb_only_constructs(DBT_DIR) == []


def test_a_planted_duckdb_only_model_is_found_by_file_line_and_construct(tmp_path):
    model = tmp_path / "models" / "marts" / "fct_planted.sql"
    model.parent.mkdir(parents=True)
    model.write_text(
        "-- list_sort(x) in a comment is no call\n"
        "select\n"
        "    {{ array_sorted('domains') }} as sorted_domains,\n"
        "    list_sort(domains) as domains,\n"
        "    arg_max(mrr, month) as last_mrr,\n"
        "    regexp_replace(name, '[^a-z]', '', 'g') as letters,\n"
        "    null::varchar as nothing,\n"
        "    cast(1 as varchar(10)) as one\n"
        "from {{ ref('stg_erp__customers') }}\n"
        "where isodow(created_date) <= 5\n"
        "    and created_date + to_days(3) <= current_date\n"
        "group by all having median(mrr) > 0\n",
        encoding="utf-8",
    )
    assert duckdb_only_constructs(tmp_path) == [
        "models/marts/fct_planted.sql:4: list_sort( (list_* function: array_* macros)",
        "models/marts/fct_planted.sql:5: arg_max( (arg_min/arg_max: min_by/max_by)",
        "models/marts/fct_planted.sql:6: , 'g') (regexp flag 'g': regexp_global)",
        "models/marts/fct_planted.sql:7: ::varchar (varchar without a length: type_text)",
        "models/marts/fct_planted.sql:10: isodow( (day of the week (numbered differently on each"
        " engine): iso_weekday)",
        "models/marts/fct_planted.sql:11: to_days( (to_days(): add_days)",
        "models/marts/fct_planted.sql:12: median( (median(): median_of)",
    ]
