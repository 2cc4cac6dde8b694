-- Every type of request a CRM opportunity carries is in the categorical_values seed
-- (attribute request_type), so that lost renewals are counted as renewals. A warning, not a
-- failure: Salesforce's Type is a free picklist (the Fivetran sample's values are anonymised)
-- and an unmapped type only moves requests to `unmapped`. Rows returned: the unmapped values.
{{ config(severity='warn') }}

with

request_types as (

    select * from {{ ref('categorical_values') }}
    where attribute = 'request_type'

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

sent_values as (

    select distinct request_type as value
    from opportunities
    where request_type is not null

)

select sent_values.value
from sent_values
left join request_types
    on sent_values.value = request_types.raw_value
where request_types.raw_value is null
