with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

crm_opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

open_pipeline as (

    select * from {{ ref('int_open_pipeline') }}

),

quotes as (

    select * from {{ ref('stg_erp__quotes') }}

),

closed_requests as (

    select * from {{ ref('int_requests_closed') }}

),

references_mapped as (

    select * from {{ ref('int_product_references_mapped') }}

),

plm_products as (

    select * from {{ ref('stg_erp__plm_products') }}

),

opportunity_requests as (

    select
        'opportunity' as request_kind,
        opportunities.crm_opportunity_id as request_id,
        'crm_product_name' as reference_kind,
        crm_opportunities.crm_product_name as product_reference,
        cast(date_trunc('month', opportunities.created_at) as date) as request_month,
        case
            when opportunities.is_won then 'won'
            when opportunities.is_lost then 'lost'
            else 'open'
        end as outcome,
        closed_requests.closed_month,
        cast(date_trunc('month', open_pipeline.expected_close_date) as date)
            as expected_close_month,
        opportunities.amount_reporting,
        open_pipeline.pipeline_amount
    from opportunities
    inner join crm_opportunities
        on opportunities.crm_opportunity_id = crm_opportunities.crm_opportunity_id
    left join closed_requests
        on
            opportunities.crm_opportunity_id = closed_requests.request_id
            and closed_requests.request_kind in ('won_opportunity', 'lost_opportunity')
    left join open_pipeline
        on opportunities.crm_opportunity_id = open_pipeline.crm_opportunity_id

),

quote_requests as (

    select
        'quote' as request_kind,
        quotes.erp_quote_id as request_id,
        'erp_product_id' as reference_kind,
        quotes.erp_product_id as product_reference,
        cast(date_trunc('month', quotes.quote_date) as date) as request_month,
        quotes.status as outcome,
        closed_requests.closed_month,
        cast(null as date) as expected_close_month,
        closed_requests.amount_reporting,
        cast(null as decimal(18, 2)) as pipeline_amount
    from quotes
    left join closed_requests
        on
            quotes.erp_quote_id = closed_requests.request_id
            and closed_requests.request_kind in ('accepted_quote', 'refused_quote')

),

requests as (

    select * from opportunity_requests
    union all
    select * from quote_requests

),

final as (

    select
        requests.request_kind,
        requests.request_id,
        requests.product_reference,
        references_mapped.plm_product_id,
        coalesce(plm_products.family, 'unmapped') as family,
        plm_products.lifecycle_status,
        coalesce(plm_products.lifecycle_status = 'in_design', false) as is_not_released,
        coalesce(plm_products.lifecycle_status in ('phase_out', 'obsolete'), false)
            as is_end_of_life,
        requests.request_month,
        requests.outcome,
        requests.closed_month,
        requests.expected_close_month,
        cast(requests.amount_reporting as decimal(18, 2)) as amount_reporting,
        cast(requests.pipeline_amount as decimal(18, 2)) as pipeline_amount
    from requests
    left join references_mapped
        on
            requests.reference_kind = references_mapped.reference_kind
            and requests.product_reference = references_mapped.product_reference
    left join plm_products
        on references_mapped.plm_product_id = plm_products.plm_product_id

)

select * from final
