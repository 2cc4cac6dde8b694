with

source as (

    select * from {{ source('erp', 'invoice_lines') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('invoice_line_id', 'updated_at') }}

),

renamed as (

    select
        invoice_line_id as erp_invoice_line_id,
        invoice_id as erp_invoice_id,
        product_id as erp_product_id,
        subscription_id as erp_subscription_id,
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
