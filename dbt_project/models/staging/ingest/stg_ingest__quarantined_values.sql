{#
    The key of each entity, as the landing contract names it (include/salesdw/contract.py),
    to read the record_id of a quarantined row from its JSON record
    (macros/quarantined_record_key.sql).
#}

{% set entity_keys = {
    'erp__customers': ['customer_id'], 'erp__products': ['product_id'],
    'erp__subscriptions': ['subscription_id'], 'erp__quotes': ['quote_id'],
    'erp__invoices': ['invoice_id'], 'erp__invoice_lines': ['invoice_line_id'],
    'erp__orders': ['order_id'], 'erp__expenses': ['expense_id'],
    'erp__employees': ['employee_id'], 'erp__exchange_rates': ['currency', 'rate_date'],
    'crm__accounts': ['account_id'], 'crm__contacts': ['contact_id'],
    'crm__users': ['user_id'], 'crm__leads': ['lead_id'],
    'crm__opportunities': ['opportunity_id'], 'crm__opportunity_history': ['history_id'],
    'crm__activities': ['activity_id'], 'crm__forecasts': ['forecast_id'],
    'support__organizations': ['organization_id'], 'support__tickets': ['ticket_id'],
    'support__surveys': ['response_id'],
} %}

with

source as (

    select * from {{ source('ingest', 'quarantine') }}

),

renamed as (

    select
        batch_id,
        source as source_system,
        entity as source_entity,
        file,
        line_number,
        column_name,
        rule,
        value,
        record,
        case (source || '__' || entity)
            {%- for entity, keys in entity_keys.items() %}
                when '{{ entity }}' then {{ quarantined_record_key(keys) }}
            {%- endfor %}
        end as record_id,
        extract_date,
        quarantined_at,
        replayed_at,
        replayed_at is not null as is_replayed
    from source

)

select * from renamed
