with

source as (

    select * from {{ source('crm', 'contacts') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by contact_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(contact_id), '') as crm_contact_id,
        nullif(trim(account_id), '') as crm_account_id,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        lower(trim(email)) as email,
        nullif(trim(phone), '') as phone,
        nullif(trim(job_title), '') as job_title,
        updated_at,
        coalesce(is_deleted, false) as is_deleted,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
where not is_deleted
