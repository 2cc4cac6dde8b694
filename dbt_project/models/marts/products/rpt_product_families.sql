with

subscription_months as (

    select * from {{ ref('int_subscription_months') }}

),

subscriptions as (

    select * from {{ ref('stg_erp__subscriptions') }}

),

references_mapped as (

    select * from {{ ref('int_product_references_mapped') }}

),

plm_products as (

    select * from {{ ref('stg_erp__plm_products') }}

),

requests as (

    select * from {{ ref('int_product_requests') }}

),

-- a subscription's family is its ERP article's PLM product's
subscription_families as (

    select
        subscriptions.erp_subscription_id,
        coalesce(plm_products.family, 'unmapped') as family
    from subscriptions
    left join references_mapped
        on
            references_mapped.reference_kind = 'erp_product_id'
            and subscriptions.erp_product_id = references_mapped.product_reference
    left join plm_products
        on references_mapped.plm_product_id = plm_products.plm_product_id

),

revenue as (

    select
        subscription_families.family,
        subscription_months.month,
        sum(subscription_months.mrr) as mrr,
        count(*) as subscriptions,
        0 as opportunities,
        0 as quotes,
        0 as open_opportunities,
        0 as open_pipeline_amount,
        0 as won_opportunities,
        0 as won_amount,
        0 as lost_opportunities,
        0 as refused_quotes,
        0 as requests_not_released,
        0 as requests_end_of_life
    from subscription_months
    inner join subscription_families
        on subscription_months.erp_subscription_id = subscription_families.erp_subscription_id
    group by subscription_families.family, subscription_months.month

),

requested as (

    select
        family,
        request_month as month,
        0 as mrr,
        0 as subscriptions,
        sum(case when request_kind = 'opportunity' then 1 else 0 end) as opportunities,
        sum(case when request_kind = 'quote' then 1 else 0 end) as quotes,
        0 as open_opportunities,
        0 as open_pipeline_amount,
        0 as won_opportunities,
        0 as won_amount,
        0 as lost_opportunities,
        0 as refused_quotes,
        sum(case when is_not_released then 1 else 0 end) as requests_not_released,
        sum(case when is_end_of_life then 1 else 0 end) as requests_end_of_life
    from requests
    group by family, request_month

),

-- the open pipeline in the month its deals are expected to close
pipeline as (

    select
        family,
        coalesce(expected_close_month, request_month) as month,
        0 as mrr,
        0 as subscriptions,
        0 as opportunities,
        0 as quotes,
        count(*) as open_opportunities,
        sum(pipeline_amount) as open_pipeline_amount,
        0 as won_opportunities,
        0 as won_amount,
        0 as lost_opportunities,
        0 as refused_quotes,
        0 as requests_not_released,
        0 as requests_end_of_life
    from requests
    where request_kind = 'opportunity' and outcome = 'open'
    group by family, coalesce(expected_close_month, request_month)

),

closed as (

    select
        family,
        closed_month as month,
        0 as mrr,
        0 as subscriptions,
        0 as opportunities,
        0 as quotes,
        0 as open_opportunities,
        0 as open_pipeline_amount,
        sum(case when request_kind = 'opportunity' and outcome = 'won' then 1 else 0 end)
            as won_opportunities,
        sum(case
            when request_kind = 'opportunity' and outcome = 'won' then amount_reporting else 0
        end) as won_amount,
        sum(case when request_kind = 'opportunity' and outcome = 'lost' then 1 else 0 end)
            as lost_opportunities,
        sum(case when request_kind = 'quote' and outcome = 'refused' then 1 else 0 end)
            as refused_quotes,
        0 as requests_not_released,
        0 as requests_end_of_life
    from requests
    where closed_month is not null
    group by family, closed_month

),

unioned as (

    select * from revenue
    union all
    select * from requested
    union all
    select * from pipeline
    union all
    select * from closed

),

final as (

    select
        family,
        month,
        cast(sum(mrr) as decimal(18, 2)) as mrr,
        cast(sum(subscriptions) as bigint) as subscriptions,
        cast(sum(opportunities) as bigint) as opportunities,
        cast(sum(quotes) as bigint) as quotes,
        cast(sum(open_opportunities) as bigint) as open_opportunities,
        cast(sum(open_pipeline_amount) as decimal(18, 2)) as open_pipeline_amount,
        cast(sum(won_opportunities) as bigint) as won_opportunities,
        cast(sum(won_amount) as decimal(18, 2)) as won_amount,
        cast(sum(lost_opportunities) as bigint) as lost_opportunities,
        cast(sum(refused_quotes) as bigint) as refused_quotes,
        cast(sum(lost_opportunities) + sum(refused_quotes) as bigint) as lost_requests,
        cast(sum(requests_not_released) as bigint) as requests_not_released,
        cast(sum(requests_end_of_life) as bigint) as requests_end_of_life,
        '{{ var("reporting_currency") }}' as reporting_currency
    from unioned
    where month is not null
    group by family, month

)

select * from final
