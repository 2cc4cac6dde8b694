with

source as (

    select * from {{ source('crm', 'activities') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('activity_id', 'updated_at') }}

),

renamed as (

    select
        activity_id as crm_activity_id,
        account_id as crm_account_id,
        opportunity_id as crm_opportunity_id,
        contact_id as crm_contact_id,
        owner_id as owner_crm_user_id,
        activity_type,
        occurred_at,
        subject,
        notes,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
