{#
    Period-end pressure: the share of wins closed in the last five business days of their
    month, or of their quarter (int_period_end_windows), per period and rep, with the share
    those days would hold without pressure (five over the period's business days).

    The discount depth of those wins against the others: the mean discount_pct of the deals
    (the CRM's, in percent of the list amount) won in the last five days and of the others;
    a deal whose extract carries no discount is left out of the mean.

    Grain: one row per period_grain (`month`, `quarter`), period_start and owner_crm_user_id
    (`all` for the whole company). is_complete: the period is over by the as-of date.
#}

with

wins as (

    select
        crm_opportunity_id,
        owner_crm_user_id,
        cast(closed_at as date) as closed_on,
        amount_reporting,
        discount_pct
    from {{ ref('int_opportunities_enriched') }}
    where is_won and closed_at is not null

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

windows as (

    select * from {{ ref('int_period_end_windows') }}

),

wins_in_periods as (

    select
        windows.period_grain,
        windows.period_start,
        windows.business_days,
        wins.owner_crm_user_id,
        wins.amount_reporting,
        wins.discount_pct,
        wins.closed_on >= windows.window_start as is_period_end_win
    from wins
    inner join windows
        on
            windows.period_start = cast(date_trunc(windows.period_grain, wins.closed_on) as date)

),

aggregated as (

    select
        period_grain,
        period_start,
        case
            when grouping(owner_crm_user_id) = 1 then 'all'
            else coalesce(owner_crm_user_id, 'unknown')
        end as owner_crm_user_id,
        max(business_days) as business_days,
        count(*) as wins,
        count(case when is_period_end_win then 1 end) as period_end_wins,
        sum(amount_reporting) as won_amount,
        sum(case when is_period_end_win then amount_reporting else 0 end)
            as period_end_won_amount,
        count(case when is_period_end_win then discount_pct end) as period_end_discount_wins,
        sum(case when is_period_end_win then discount_pct end) as period_end_discount_pct_sum,
        count(case when not is_period_end_win then discount_pct end) as other_discount_wins,
        sum(case when not is_period_end_win then discount_pct end) as other_discount_pct_sum
    from wins_in_periods
    group by grouping sets (
        (period_grain, period_start, owner_crm_user_id),
        (period_grain, period_start)
    )

),

final as (

    select
        aggregated.period_grain,
        aggregated.period_start,
        aggregated.owner_crm_user_id,
        cast(aggregated.wins as bigint) as wins,
        cast(aggregated.period_end_wins as bigint) as period_end_wins,
        cast(aggregated.won_amount as decimal(18, 2)) as won_amount,
        cast(aggregated.period_end_won_amount as decimal(18, 2)) as period_end_won_amount,
        cast(aggregated.period_end_wins / aggregated.wins as decimal(10, 4))
            as period_end_share_by_count,
        cast(
            aggregated.period_end_won_amount / nullif(aggregated.won_amount, 0)
            as decimal(10, 4)
        ) as period_end_share_by_amount,
        cast(5.0 / aggregated.business_days as decimal(10, 4)) as share_without_pressure,
        {{ mean_half_up(
            'aggregated.period_end_discount_pct_sum', 'aggregated.period_end_discount_wins'
        ) }} as period_end_discount_pct,
        {{ mean_half_up('aggregated.other_discount_pct_sum', 'aggregated.other_discount_wins') }}
            as other_discount_pct,
        cast(aggregated.period_end_discount_wins as bigint) as period_end_discount_wins,
        cast(aggregated.period_end_discount_pct_sum as decimal(18, 2))
            as period_end_discount_pct_sum,
        cast(aggregated.other_discount_wins as bigint) as other_discount_wins,
        cast(aggregated.other_discount_pct_sum as decimal(18, 2)) as other_discount_pct_sum,
        {{ period_is_complete(
            'aggregated.period_grain', 'aggregated.period_start', 'as_of.as_of_end_at'
        ) }} as is_complete,
        as_of.as_of_date
    from aggregated
    cross join as_of

)

select * from final
