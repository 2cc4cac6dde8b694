-- Every industry and segment the CRM sends is in the categorical_values seed (a new spelling
-- is a decision, not a new category next to the old one). int_client_records_unioned keeps a
-- raw value the seed does not map as it came, so any value there that is not one of the
-- seed's spellings is unmapped. Rows returned are failures.
with

categorical_values as (

    select * from {{ ref('categorical_values') }}

),

records as (

    select * from {{ ref('int_client_records_unioned') }}
    where source_system = 'crm'

),

sent_values as (

    select distinct
        'industry' as attribute,
        industry as value
    from records
    where industry is not null

    union

    select distinct
        'segment' as attribute,
        segment as value
    from records
    where segment is not null

)

select sent_values.*
from sent_values
left join categorical_values
    on
        sent_values.attribute = categorical_values.attribute
        and sent_values.value = categorical_values.value
where categorical_values.value is null
