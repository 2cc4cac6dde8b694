with

source as (

    select * from {{ source('erp', 'subscriptions') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('subscription_id', 'updated_at') }}

),

renamed as (

    select
        subscription_id as erp_subscription_id,
        customer_id as erp_customer_id,
        product_id as erp_product_id,
        start_date,
        end_date,
        billing_period,
        amount,
        upper(currency) as currency,
        status,
        termination_reason,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
