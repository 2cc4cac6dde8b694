with

source as (

    select * from {{ source('erp', 'customers') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by customer_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(customer_id), '') as erp_customer_id,
        nullif(trim(company_name), '') as company_name,
        nullif(trim(siren), '') as siren,
        nullif(trim(vat_number), '') as vat_number,
        nullif(trim(address), '') as address,
        nullif(trim(postal_code), '') as postal_code,
        nullif(trim(city), '') as city,
        upper(trim(country)) as country,
        nullif(trim(phone), '') as phone,
        lower(trim(email)) as email,
        lower(trim(website)) as website,
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
