with

source as (

    select * from {{ source('erp', 'orders') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('order_id', 'updated_at') }}

),

renamed as (

    select
        order_id as erp_order_id,
        customer_id as erp_customer_id,
        order_date,
        promised_date,
        delivered_date,
        status,
        amount_excl_tax,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
