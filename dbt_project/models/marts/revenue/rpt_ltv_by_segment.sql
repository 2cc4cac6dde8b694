{#
    Steady-state CLTV and LTV:CAC per month and segment: ARPA x gross margin / the segment's
    trailing 12-month logo churn rate (int_logo_churn_rates_trailed), against the segment's own
    CAC (rpt_cac_by_segment, every channel). CLTV is null when the segment lost no client in
    12 months (it would be infinite), LTV:CAC when the segment had no new client that month.
    Grain: month, segment.
#}

with

mrr as (

    select * from {{ ref('fct_mrr') }}

),

clients as (

    select * from {{ ref('dim_clients') }}

),

churn as (

    select * from {{ ref('int_logo_churn_rates_trailed') }}

),

cac as (

    select * from {{ ref('rpt_cac_by_segment') }}
    where channel = 'all'

),

by_segment as (

    select
        mrr.month,
        coalesce(clients.segment, 'unknown') as segment,
        count(*) filter (where mrr.mrr > 0) as active_clients,
        sum(mrr.mrr) as mrr
    from mrr
    left join clients
        on mrr.client_id = clients.client_id
    group by all

),

valued as (

    select
        by_segment.month,
        by_segment.segment,
        by_segment.active_clients,
        by_segment.mrr / nullif(by_segment.active_clients, 0) as arpa,
        churn.logo_churn_rate,
        churn.trailing_logo_churn_rate,
        churn.churn_window_months,
        by_segment.mrr / nullif(by_segment.active_clients, 0) * {{ var('gross_margin_pct') }}
        / nullif(churn.trailing_logo_churn_rate, 0) as cltv,
        cac.cac
    from by_segment
    left join churn
        on
            by_segment.month = churn.month
            and by_segment.segment = churn.segment
    left join cac
        on
            by_segment.month = cac.month
            and by_segment.segment = cac.segment

),

final as (

    select
        month,
        segment,
        active_clients,
        arpa::decimal(18, 2) as arpa,
        round(logo_churn_rate, 4)::double as logo_churn_rate,
        round(trailing_logo_churn_rate, 4)::double as trailing_logo_churn_rate,
        churn_window_months::integer as churn_window_months,
        cltv::decimal(18, 2) as cltv,
        cac,
        round(cltv / nullif(cac, 0), 2)::double as ltv_to_cac
    from valued

)

select * from final
