with

source as (

    select * from {{ source('crm', 'contacts') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('contact_id', 'updated_at') }}

),

renamed as (

    select
        contact_id as crm_contact_id,
        account_id as crm_account_id,
        first_name,
        last_name,
        lower(email) as email,
        phone,
        job_title,
        updated_at,
        coalesce(is_deleted, false) as is_deleted,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
where not is_deleted
