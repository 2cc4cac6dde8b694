-- Every industry and segment the CRM sends is in the categorical_values seed (a new spelling
-- is a decision, not a new category next to the old one). Rows returned are failures.
with

categorical_values as (

    select * from {{ ref('categorical_values') }}

),

raw_values as (

    select distinct
        'industry' as attribute,
        industry as raw_value
    from {{ ref('stg_crm__accounts') }}
    where industry is not null

    union

    select distinct
        'segment' as attribute,
        segment as raw_value
    from {{ ref('stg_crm__accounts') }}
    where segment is not null

)

select raw_values.*
from raw_values
left join categorical_values
    on
        raw_values.attribute = categorical_values.attribute
        and raw_values.raw_value = categorical_values.raw_value
where categorical_values.raw_value is null
