with

source as (

    select * from {{ source('crm', 'forecasts') }}

),

latest as (

    select * from source
    -- the latest submitted_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('forecast_id', 'submitted_at') }}

),

renamed as (

    select
        forecast_id as crm_forecast_id,
        owner_id as owner_crm_user_id,
        period_start,
        period_end,
        forecast_amount,
        upper(currency) as currency,
        category,
        submitted_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
