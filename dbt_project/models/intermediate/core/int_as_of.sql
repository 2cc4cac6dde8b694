{#
    The warehouse's as-of date: the latest extract date of any source entity it holds (data,
    not load time, so a rebuild agrees). Every model that needs "now" reads it here, so that
    two marts never disagree on it. Entities that change seldom (users, employees, products)
    often have no file on the latest day: the date is the latest over all of them.
#}

{% set staged_entities = [
    'stg_erp__customers', 'stg_erp__employees', 'stg_erp__exchange_rates',
    'stg_erp__expenses', 'stg_erp__invoice_lines', 'stg_erp__invoices', 'stg_erp__orders',
    'stg_erp__products', 'stg_erp__quotes', 'stg_erp__subscriptions',
    'stg_crm__accounts', 'stg_crm__activities', 'stg_crm__contacts', 'stg_crm__forecasts',
    'stg_crm__leads', 'stg_crm__opportunities', 'stg_crm__opportunity_history',
    'stg_crm__users',
    'stg_support__organizations', 'stg_support__surveys', 'stg_support__tickets',
] %}

with

latest_extracts as (

    {% for model in staged_entities %}
        select max(_extract_date) as extract_date from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        max(extract_date) as as_of_date,
        date_trunc('month', coalesce(
            {% if var('mrr_as_of', none) %}date '{{ var("mrr_as_of") }}'{% else %}null{% endif %},
            max(extract_date)
        ))::date as as_of_month,
        (max(extract_date) + interval 1 day)::timestamp as as_of_end_at
    from latest_extracts

)

select * from final
