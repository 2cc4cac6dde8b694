with

source as (

    select * from {{ source('erp', 'invoice_lines') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by invoice_line_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(invoice_line_id), '') as erp_invoice_line_id,
        nullif(trim(invoice_id), '') as erp_invoice_id,
        nullif(trim(product_id), '') as erp_product_id,
        nullif(trim(subscription_id), '') as erp_subscription_id,
        quantity,
        unit_price,
        discount_pct,
        amount_excl_tax,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
