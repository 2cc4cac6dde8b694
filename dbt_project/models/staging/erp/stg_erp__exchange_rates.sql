with

source as (

    select * from {{ source('erp', 'exchange_rates') }}

),

latest as (

    select * from source
    -- the latest load wins: the source sends no version timestamp
    {{ latest_version(['currency', 'rate_date']) }}

),

renamed as (

    select
        upper(currency) as currency,
        rate_date,
        eur_per_unit,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
