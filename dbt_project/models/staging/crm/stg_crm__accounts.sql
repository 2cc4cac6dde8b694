with

source as (

    select * from {{ source('crm', 'accounts') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by account_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(account_id), '') as crm_account_id,
        nullif(trim(account_name), '') as account_name,
        lower(trim(website)) as website,
        nullif(trim(phone), '') as phone,
        nullif(trim(billing_street), '') as billing_street,
        nullif(trim(billing_postal_code), '') as billing_postal_code,
        nullif(trim(billing_city), '') as billing_city,
        upper(trim(billing_country)) as billing_country,
        nullif(trim(siren), '') as siren,
        nullif(trim(industry), '') as industry,
        replace(lower(trim(segment)), '-', '_') as segment,
        nullif(trim(owner_id), '') as owner_crm_user_id,
        created_at,
        updated_at,
        coalesce(is_deleted, false) as is_deleted,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
where not is_deleted
