with

source as (

    select * from {{ source('crm', 'forecasts') }}

),

latest as (

    select *
    from source
    -- the record with the latest submitted_at wins: a re-sent or late row
    -- with an older submitted_at never overwrites a newer one
    qualify row_number() over (
        partition by forecast_id
        order by submitted_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(forecast_id), '') as crm_forecast_id,
        nullif(trim(owner_id), '') as owner_crm_user_id,
        period_start,
        period_end,
        forecast_amount,
        upper(trim(currency)) as currency,
        nullif(trim(category), '') as category,
        submitted_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
