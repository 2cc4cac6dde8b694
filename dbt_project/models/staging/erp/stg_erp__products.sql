with

source as (

    select * from {{ source('erp', 'products') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('product_id', 'updated_at') }}

),

renamed as (

    select
        product_id as erp_product_id,
        product_name,
        family,
        is_recurring,
        billing_period,
        list_price,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
