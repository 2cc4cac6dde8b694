with

source as (

    select * from {{ source('erp', 'products') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by product_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(product_id), '') as erp_product_id,
        nullif(trim(product_name), '') as product_name,
        nullif(trim(family), '') as family,
        is_recurring,
        nullif(trim(billing_period), '') as billing_period,
        list_price,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
