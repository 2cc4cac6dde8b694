with

source as (

    select * from {{ source('erp', 'customers') }}

),

latest as (

    select
        *,
        -- the first extract that carried the record: data, not load time
        min(_extract_date) over (partition by customer_id) as first_extract_date
    from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('customer_id', 'updated_at') }}

),

renamed as (

    select
        customer_id as erp_customer_id,
        company_name,
        siren,
        vat_number,
        address,
        postal_code,
        city,
        upper(country) as country,
        phone,
        lower(email) as email,
        lower(website) as website,
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
