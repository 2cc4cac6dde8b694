{#
    The MRR bridge per month, for all clients and by segment (dim_clients.segment, `unknown`
    when the CRM gives none): opening MRR, each movement, closing MRR, and client counts.
    closing = opening + new + reactivation + expansion + contraction + churn + fx
    (contraction and churn negative; fx, what exchange rates alone moved, either sign):
    tests/assert_mrr_bridge_identity.sql checks it every month.
#}

with

mrr as (

    select * from {{ ref('fct_mrr') }}

),

clients as (

    select
        client_id,
        coalesce(segment, 'unknown') as segment
    from {{ ref('dim_clients') }}

),

by_segment as (

    select
        mrr.month,
        coalesce(clients.segment, 'unknown') as segment,
        mrr.mrr,
        mrr.previous_mrr,
        mrr.movement,
        mrr.fx_effect,
        mrr.category
    from mrr
    left join clients
        on mrr.client_id = clients.client_id

),

bridge as (

    select
        month,
        coalesce(segment, 'all') as segment,
        sum(previous_mrr) as opening_mrr,
        sum(movement) filter (where category = 'new') as new_mrr,
        sum(movement) filter (where category = 'reactivation') as reactivation_mrr,
        sum(movement) filter (where category = 'expansion') as expansion_mrr,
        sum(movement) filter (where category = 'contraction') as contraction_mrr,
        sum(movement) filter (where category = 'churn') as churn_mrr,
        sum(fx_effect) as fx_mrr,
        sum(mrr) as closing_mrr,
        count(*) filter (where mrr > 0) as active_clients,
        count(*) filter (where category = 'new') as new_clients,
        count(*) filter (where category = 'reactivation') as reactivated_clients,
        count(*) filter (where category = 'churn') as churned_clients
    from by_segment
    group by grouping sets ((month), (month, segment))

),

final as (

    select
        month,
        segment,
        cast(opening_mrr as decimal(18, 2)) as opening_mrr,
        cast(coalesce(new_mrr, 0) as decimal(18, 2)) as new_mrr,
        cast(coalesce(reactivation_mrr, 0) as decimal(18, 2)) as reactivation_mrr,
        cast(coalesce(expansion_mrr, 0) as decimal(18, 2)) as expansion_mrr,
        cast(coalesce(contraction_mrr, 0) as decimal(18, 2)) as contraction_mrr,
        cast(coalesce(churn_mrr, 0) as decimal(18, 2)) as churn_mrr,
        cast(coalesce(fx_mrr, 0) as decimal(18, 2)) as fx_mrr,
        cast(closing_mrr as decimal(18, 2)) as closing_mrr,
        cast(12 * closing_mrr as decimal(18, 2)) as closing_arr,
        active_clients,
        new_clients,
        reactivated_clients,
        churned_clients
    from bridge

)

select * from final
