with

source as (

    select * from {{ source('erp', 'invoices') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('invoice_id', 'updated_at') }}

),

renamed as (

    select
        invoice_id as erp_invoice_id,
        customer_id as erp_customer_id,
        invoice_date,
        due_date,
        upper(currency) as currency,
        total_excl_tax,
        tax,
        total_incl_tax,
        status,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
