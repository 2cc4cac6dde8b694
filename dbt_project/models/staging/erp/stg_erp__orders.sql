with

source as (

    select * from {{ source('erp', 'orders') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by order_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(order_id), '') as erp_order_id,
        nullif(trim(customer_id), '') as erp_customer_id,
        order_date,
        promised_date,
        delivered_date,
        nullif(trim(status), '') as status,
        amount_excl_tax,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
