with

source as (

    select * from {{ source('erp', 'quotes') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('quote_id', 'updated_at') }}

),

renamed as (

    select
        quote_id as erp_quote_id,
        customer_id as erp_customer_id,
        quote_date,
        amount,
        upper(currency) as currency,
        status,
        refusal_reason,
        refusal_detail,
        nullif(trim(product_id), '') as erp_product_id,
        discount_pct,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
