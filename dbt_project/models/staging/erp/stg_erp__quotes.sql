with

source as (

    select * from {{ source('erp', 'quotes') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by quote_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(quote_id), '') as erp_quote_id,
        nullif(trim(customer_id), '') as erp_customer_id,
        quote_date,
        amount,
        upper(trim(currency)) as currency,
        nullif(trim(status), '') as status,
        nullif(trim(refusal_reason), '') as refusal_reason,
        nullif(trim(refusal_detail), '') as refusal_detail,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
