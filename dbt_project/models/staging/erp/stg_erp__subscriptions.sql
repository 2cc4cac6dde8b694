with

source as (

    select * from {{ source('erp', 'subscriptions') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by subscription_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(subscription_id), '') as erp_subscription_id,
        nullif(trim(customer_id), '') as erp_customer_id,
        nullif(trim(product_id), '') as erp_product_id,
        start_date,
        end_date,
        nullif(trim(billing_period), '') as billing_period,
        amount,
        upper(trim(currency)) as currency,
        nullif(trim(status), '') as status,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
