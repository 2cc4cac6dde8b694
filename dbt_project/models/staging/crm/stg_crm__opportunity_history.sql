with

source as (

    select * from {{ source('crm', 'opportunity_history') }}

),

latest as (

    select *
    from source
    -- the record with the latest changed_at wins: a re-sent or late row
    -- with an older changed_at never overwrites a newer one
    qualify row_number() over (
        partition by history_id
        order by changed_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(history_id), '') as crm_history_id,
        nullif(trim(opportunity_id), '') as crm_opportunity_id,
        nullif(trim(field), '') as field,
        nullif(trim(old_value), '') as old_value,
        nullif(trim(new_value), '') as new_value,
        changed_at,
        nullif(trim(changed_by), '') as changed_by_crm_user_id,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
