{# A composite-key uniqueness test (dbt hub packages cannot be installed here, so this
   replaces dbt_utils.unique_combination_of_columns). Fails with one row per duplicated key. #}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select
    {{ combination_of_columns | join(', ') }},
    count(*) as n_records
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}
