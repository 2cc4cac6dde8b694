{#
    Survivorship for the golden record (models/marts/core/dim_clients.sql).

    survivor(value, attribute) picks, among a client's source records that have a non-null
    `value`, the one the `survivorship` var prefers for `attribute`: the first system in its
    list, then the most recently updated record, then the smallest record_key (so that a tie
    is decided the same way every run). survivor_source(...) names the record that won.
    Use them in a query grouped by client over records with source_system, updated_at and
    record_key columns.
#}

{% macro survivorship_order(attribute) -%}
    {%- set rules = var('survivorship') -%}
    {%- if rules is not mapping -%}
        {#- a linter renders var() as a placeholder: lint the shape of the SQL -#}
        {%- set systems = [] -%}
    {%- elif attribute not in rules -%}
        {{ exceptions.raise_compiler_error(
            "var survivorship has no entry for '" ~ attribute ~ "' (dbt_project.yml)") }}
    {%- else -%}
        {%- set systems = rules[attribute] or [] -%}
    {%- endif %}
    {%- set system_rank -%}
        {%- if systems %} case source_system
            {%- for system in systems %}
            when '{{ system }}' then {{ loop.index }}
            {%- endfor %}
            else {{ systems | length + 1 }}
        end
        {%- else %} 1
        {%- endif %}
    {%- endset %}
    {{ struct_of([
        ('system_rank', system_rank),
        ('recency', 'coalesce(-' ~ epoch_seconds('updated_at') ~ ', 1e18)'),
        ('record_key', 'record_key'),
    ]) }}
{%- endmacro %}

{% macro survivor(value, attribute, present=none) -%}
    {{ min_by(value, survivorship_order(attribute)) }}
        filter (where {{ present or (value ~ ' is not null') }})
{%- endmacro %}

{% macro survivor_source(value, attribute, present=none) -%}
    {{ min_by('record_key', survivorship_order(attribute)) }}
        filter (where {{ present or (value ~ ' is not null') }})
{%- endmacro %}
