-- Every segment the CRM sends is in the categorical_values seed: segments slice every KPI,
-- so a new spelling fails the build until it is mapped. int_client_records_unioned keeps a
-- value the seed does not map as it came, so any value there that is not one of the seed's
-- spellings is unmapped. Rows returned are failures.
with

categorical_values as (

    select * from {{ ref('categorical_values') }}
    where attribute = 'segment'

),

records as (

    select * from {{ ref('int_client_records_unioned') }}
    where source_system = 'crm'

),

sent_values as (

    select distinct segment as value
    from records
    where segment is not null

)

select sent_values.value
from sent_values
left join categorical_values
    on sent_values.value = categorical_values.value
where categorical_values.value is null
