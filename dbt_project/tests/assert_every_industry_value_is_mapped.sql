-- Every industry the CRM sends is in the categorical_values seed, so that "Technolgie" and
-- "Technologie" are one industry. A warning, not a failure: an unmapped industry splits one
-- descriptive attribute, no KPI, and a CRM's picklist (Salesforce's is free) can hold values
-- nobody has mapped yet; the gate reports them. Rows returned are the unmapped values.
{{ config(severity='warn') }}

with

categorical_values as (

    select * from {{ ref('categorical_values') }}
    where attribute = 'industry'

),

records as (

    select * from {{ ref('int_client_records_unioned') }}
    where source_system = 'crm'

),

sent_values as (

    select distinct industry as value
    from records
    where industry is not null

)

select sent_values.value
from sent_values
left join categorical_values
    on sent_values.value = categorical_values.value
where categorical_values.value is null
