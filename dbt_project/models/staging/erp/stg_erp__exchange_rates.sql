with

source as (

    select * from {{ source('erp', 'exchange_rates') }}

),

latest as (

    select *
    from source
    -- the latest load wins: the source sends no version timestamp
    qualify row_number() over (
        partition by currency, rate_date
        order by _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        upper(trim(currency)) as currency,
        rate_date,
        eur_per_unit,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
