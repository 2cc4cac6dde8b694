{#
    Steady-state CLTV and LTV:CAC per month and segment: ARPA x gross margin / the segment's
    monthly logo churn rate (clients active the month before and not this month / clients
    active the month before), against the month's overall CAC (spend is not booked by
    segment). CLTV is null in a month without churn in the segment (infinite otherwise).
    Grain: month, segment.
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

acquisition as (

    select * from {{ ref('rpt_acquisition') }}
    where channel = 'all'

),

by_segment as (

    select
        mrr.month,
        coalesce(clients.segment, 'unknown') as segment,
        count(*) filter (where mrr.mrr > 0) as active_clients,
        count(*) filter (where mrr.previous_mrr > 0) as clients_at_start,
        count(*) filter (where mrr.previous_mrr > 0 and mrr.mrr = 0) as churned_clients,
        sum(mrr.mrr) as mrr
    from mrr
    left join clients
        on mrr.client_id = clients.client_id
    group by all

),

final as (

    select
        by_segment.month,
        by_segment.segment,
        by_segment.active_clients,
        (by_segment.mrr / nullif(by_segment.active_clients, 0))::decimal(18, 2) as arpa,
        round(
            by_segment.churned_clients / nullif(by_segment.clients_at_start, 0), 4
        )::double as logo_churn_rate,
        (
            by_segment.mrr / nullif(by_segment.active_clients, 0)
            * {{ var('gross_margin_pct') }}
            / nullif(by_segment.churned_clients / nullif(by_segment.clients_at_start, 0), 0)
        )::decimal(18, 2) as cltv,
        acquisition.cac,
        round(
            by_segment.mrr / nullif(by_segment.active_clients, 0)
            * {{ var('gross_margin_pct') }}
            / nullif(by_segment.churned_clients / nullif(by_segment.clients_at_start, 0), 0)
            / nullif(acquisition.cac, 0),
            2
        )::double as ltv_to_cac
    from by_segment
    left join acquisition
        on by_segment.month = acquisition.month

)

select * from final
