with

source as (

    select * from {{ source('crm', 'activities') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by activity_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(activity_id), '') as crm_activity_id,
        nullif(trim(account_id), '') as crm_account_id,
        nullif(trim(opportunity_id), '') as crm_opportunity_id,
        nullif(trim(contact_id), '') as crm_contact_id,
        nullif(trim(owner_id), '') as owner_crm_user_id,
        nullif(trim(activity_type), '') as activity_type,
        occurred_at,
        nullif(trim(subject), '') as subject,
        nullif(trim(notes), '') as notes,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
