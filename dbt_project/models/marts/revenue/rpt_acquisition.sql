{#
    CAC per month and acquisition channel (`all` is the company-wide CAC), every segment
    together: the channel rows of rpt_cac_by_segment, where attribution and the allocation of
    unattributed spend are defined. CAC payback, steady-state CLTV (ARPA x gross margin / the
    trailing 12-month logo churn rate, int_logo_churn_rates_trailed) and LTV:CAC are given on
    `all` rows. Gross margin is var gross_margin_pct. Grain: month, channel.
#}

with

cac as (

    select * from {{ ref('rpt_cac_by_segment') }}
    where segment = 'all'

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

churn as (

    select * from {{ ref('int_logo_churn_rates_trailed') }}
    where segment = 'all'

),

monthly as (

    select
        month,
        avg(mrr) filter (where category = 'new') as avg_new_mrr,
        sum(mrr) / nullif(count(*) filter (where mrr > 0), 0) as arpa
    from mrr
    group by month

),

measured as (

    select
        cac.*,
        monthly.avg_new_mrr * {{ var('gross_margin_pct') }} as new_gross_profit,
        monthly.arpa * {{ var('gross_margin_pct') }}
        / nullif(churn.trailing_logo_churn_rate, 0) as cltv
    from cac
    left join monthly
        on cac.month = monthly.month
    left join churn
        on cac.month = churn.month

),

final as (

    select
        month,
        channel,
        attributed_spend,
        allocated_unattributed_spend,
        sm_spend,
        new_clients,
        cac,
        case
            when channel = 'all' then round(cac / nullif(new_gross_profit, 0), 1)::double
        end as cac_payback_months,
        case when channel = 'all' then cltv::decimal(18, 2) end as cltv,
        case
            when channel = 'all' then round(cltv / nullif(cac, 0), 2)::double
        end as ltv_to_cac
    from measured

)

select * from final
