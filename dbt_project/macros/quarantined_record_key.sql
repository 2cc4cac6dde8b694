{#
    The record_id of a quarantined row, read from its JSON record: the entity's key columns
    joined by '|'. A header may spell a column in upper case (the CRM leads export does), so
    both spellings are read. Null when the record holds none of the keys.
#}
{% macro quarantined_record_key(keys) -%}
    nullif(concat_ws('|'
    {%- for key in keys -%}
        , coalesce(
            {{ json_string('record', "'$." ~ key ~ "'") }},
            {{ json_string('record', "'$." ~ key | upper ~ "'") }}
        )
    {%- endfor -%}
    ), '')
{%- endmacro %}
