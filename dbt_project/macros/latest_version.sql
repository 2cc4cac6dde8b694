{#
    latest_version(key, order_by): the project's one dedup idiom, as the qualify clause of a
    staging model's `latest` CTE. Keeps one raw row per `key` (a column, or a list of
    columns): the one with the greatest `order_by` (the entity's version column), so that a
    re-sent or late row with an older version never overwrites a newer one. Rows that tie on
    it are decided the same way every build, whatever the order files were loaded in: the
    later extract date, then the later file name (`_source_file`), then the later load (a
    new version of the same file), then the later line; ingest/ties.py records each tie
    whose rows differ in `raw.version_ties` (docs/raw-layer.md). Without `order_by` (a
    source that sends no version) the latest load wins, then file name, then line.
    The calling model says in a one-line comment which record wins and why.
#}

{% macro latest_version(key, order_by=none) -%}
    {%- set keys = [key] if key is string else key -%}
    qualify row_number() over (
        partition by {{ keys | join(', ') }}
        order by
        {%- if order_by %} {{ order_by }} desc nulls last, _extract_date desc, _source_file desc, _loaded_at desc,
        {%- else %} _loaded_at desc, _source_file desc,
        {%- endif %} _line_number desc
    ) = 1
{%- endmacro %}
