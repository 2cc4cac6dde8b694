with

source as (

    select * from {{ source('crm', 'accounts') }}

),

latest as (

    select
        *,
        -- the first extract that carried the record: data, not load time
        min(_extract_date) over (partition by account_id) as first_extract_date
    from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('account_id', 'updated_at') }}

),

renamed as (

    select
        account_id as crm_account_id,
        account_name,
        lower(website) as website,
        phone,
        billing_street,
        billing_postal_code,
        billing_city,
        upper(billing_country) as billing_country,
        siren,
        industry,
        replace(lower(segment), '-', '_') as segment,
        owner_id as owner_crm_user_id,
        created_at,
        updated_at,
        coalesce(is_deleted, false) as is_deleted,
        _batch_id,
        _source_file,
        _extract_date,
        first_extract_date
    from latest

)

select * from renamed
where not is_deleted
