with

source as (

    select * from {{ source('erp', 'expenses') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by expense_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(expense_id), '') as erp_expense_id,
        expense_date,
        nullif(trim(category), '') as category,
        nullif(trim(channel), '') as channel,
        amount,
        upper(trim(currency)) as currency,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
