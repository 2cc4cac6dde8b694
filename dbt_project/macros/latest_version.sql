{#
    latest_version(key, order_by): the project's one dedup idiom, as the qualify clause of a
    staging model's `latest` CTE. Keeps one raw row per `key` (a column, or a list of
    columns): the one with the greatest `order_by` (the entity's version column), then the
    latest load, then the last line of its file, so that a re-sent or late row with an older
    version never overwrites a newer one and a tie is decided the same way every build.
    Without `order_by` (a source that sends no version) the latest load wins.
    The calling model says in a one-line comment which record wins and why.
#}

{% macro latest_version(key, order_by=none) -%}
    {%- set keys = [key] if key is string else key -%}
    qualify row_number() over (
        partition by {{ keys | join(', ') }}
        order by
        {%- if order_by %} {{ order_by }} desc nulls last,{% endif %} _loaded_at desc, _line_number desc
    ) = 1
{%- endmacro %}
