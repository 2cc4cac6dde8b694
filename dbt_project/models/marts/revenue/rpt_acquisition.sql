{#
    CAC per month and channel, CAC payback, steady-state CLTV and LTV:CAC (KPI-DEFINITIONS.md,
    Acquisition and value). Sales and marketing spend is the ERP expenses whose category the
    seed expense_categories marks so, converted to the reporting currency at the month-end
    rate. CAC(month, channel) = that channel's spend / all new clients of the month, so the
    channels add up to the total; spend with no channel (or channel `sales_team`, which
    acquires through every channel) is unattributed and allocated to the channels pro rata to
    their own spend, shown in allocated_unattributed_spend. A month with no new client has
    CAC null, never 0 or infinity. Gross margin is var gross_margin_pct. CAC payback, CLTV
    (ARPA x gross margin / monthly logo churn rate) and LTV:CAC are given on `all` rows only:
    a channel's CAC here is its share of the total, not a channel-level acquisition cost.
    Grain: month, channel (`all` is the total).
#}

with

expenses as (

    select * from {{ ref('stg_erp__expenses') }}

),

categories as (

    select * from {{ ref('expense_categories') }}

),

rates as (

    select * from {{ ref('stg_erp__exchange_rates') }}

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

retention as (

    select * from {{ ref('rpt_retention') }}
    where window_months = 1

),

sm_spend as (

    select
        date_trunc('month', expenses.expense_date)::date as month,
        case
            when expenses.channel is null or expenses.channel = 'sales_team' then null
            else expenses.channel
        end as channel,
        expenses.amount * case
            when upper(expenses.currency) = 'EUR' then 1.0 else rates.eur_per_unit
        end as amount_eur
    from expenses
    inner join categories
        on expenses.category = categories.category
    asof left join rates
        on
            upper(expenses.currency) = rates.currency
            and last_day(expenses.expense_date) >= rates.rate_date
    where categories.is_sales_and_marketing

),

by_channel as (

    select
        month,
        channel,
        sum(amount_eur) as attributed_spend
    from sm_spend
    where channel is not null
    group by all

),

unattributed as (

    select
        month,
        sum(amount_eur) as unattributed_spend
    from sm_spend
    where channel is null
    group by all

),

allocated as (

    select
        by_channel.month,
        by_channel.channel,
        by_channel.attributed_spend,
        coalesce(unattributed.unattributed_spend, 0)
        * by_channel.attributed_spend
        / sum(by_channel.attributed_spend) over (partition by by_channel.month)
            as allocated_unattributed_spend
    from by_channel
    left join unattributed
        on by_channel.month = unattributed.month

),

channels as (

    select
        month,
        channel,
        attributed_spend,
        allocated_unattributed_spend
    from allocated

    union all

    select
        months.month,
        'all' as channel,
        coalesce(sum(allocated.attributed_spend), 0) as attributed_spend,
        coalesce(max(unattributed.unattributed_spend), 0) as allocated_unattributed_spend
    from (select distinct month from sm_spend) as months
    left join allocated
        on months.month = allocated.month
    left join unattributed
        on months.month = unattributed.month
    group by months.month

),

new_clients as (

    select
        month,
        count(*) filter (where category = 'new') as new_clients,
        avg(mrr) filter (where category = 'new') as avg_new_mrr,
        sum(mrr) / nullif(count(*) filter (where mrr > 0), 0) as arpa
    from mrr
    group by month

),

measured as (

    select
        channels.month,
        channels.channel,
        channels.attributed_spend,
        channels.allocated_unattributed_spend,
        channels.attributed_spend + channels.allocated_unattributed_spend as sm_spend,
        coalesce(new_clients.new_clients, 0) as new_clients,
        (channels.attributed_spend + channels.allocated_unattributed_spend)
        / nullif(new_clients.new_clients, 0) as cac,
        new_clients.avg_new_mrr * {{ var('gross_margin_pct') }} as new_gross_profit,
        new_clients.arpa * {{ var('gross_margin_pct') }}
        / nullif(retention.logo_churn_rate, 0) as cltv
    from channels
    left join new_clients
        on channels.month = new_clients.month
    left join retention
        on channels.month = retention.month

),

final as (

    select
        month,
        channel,
        attributed_spend::decimal(18, 2) as attributed_spend,
        allocated_unattributed_spend::decimal(18, 2) as allocated_unattributed_spend,
        sm_spend::decimal(18, 2) as sm_spend,
        new_clients,
        cac::decimal(18, 2) as cac,
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
