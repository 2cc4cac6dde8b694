with

source as (

    select * from {{ source('erp', 'invoices') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by invoice_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(invoice_id), '') as erp_invoice_id,
        nullif(trim(customer_id), '') as erp_customer_id,
        invoice_date,
        due_date,
        upper(trim(currency)) as currency,
        total_excl_tax,
        tax,
        total_incl_tax,
        nullif(trim(status), '') as status,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
