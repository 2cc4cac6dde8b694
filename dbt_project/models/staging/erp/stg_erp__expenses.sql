with

source as (

    select * from {{ source('erp', 'expenses') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('expense_id', 'updated_at') }}

),

renamed as (

    select
        expense_id as erp_expense_id,
        expense_date,
        category,
        channel,
        amount,
        upper(currency) as currency,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
