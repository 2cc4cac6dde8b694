with

source as (

    select * from {{ source('crm', 'opportunity_history') }}

),

latest as (

    select * from source
    -- the latest changed_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('history_id', 'changed_at') }}

),

renamed as (

    select
        history_id as crm_history_id,
        opportunity_id as crm_opportunity_id,
        field,
        old_value,
        new_value,
        changed_at,
        changed_by as changed_by_crm_user_id,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
