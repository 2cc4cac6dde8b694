with

source as (

    select * from {{ source('crm', 'users') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('user_id', 'updated_at') }}

),

renamed as (

    select
        user_id as crm_user_id,
        full_name,
        lower(email) as email,
        role,
        is_active,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
