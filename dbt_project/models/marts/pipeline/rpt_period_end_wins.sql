{#
    Period-end pressure: the share of wins closed in the last five business days of their
    month, or of their quarter (the days a quota or a forecast closes), per period and rep,
    with the share those days would hold without pressure (five over the period's business
    days). Business days are Monday to Friday: no holiday calendar is applied.

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

business_days as (

    select
        date_day,
        cast(date_trunc('month', date_day) as date) as month_start,
        cast(date_trunc('quarter', date_day) as date) as quarter_start
    from {{ ref('metricflow_time_spine') }}
    where {{ iso_weekday('date_day') }} <= 5

),

ranked_days as (

    select
        *,
        row_number() over (partition by month_start order by date_day desc) as month_rank,
        row_number() over (partition by quarter_start order by date_day desc) as quarter_rank,
        count(*) over (partition by month_start) as month_business_days,
        count(*) over (partition by quarter_start) as quarter_business_days
    from business_days

),

windows as (

    select
        'month' as period_grain,
        month_start as period_start,
        min(case when month_rank <= 5 then date_day end) as window_start,
        max(month_business_days) as business_days,
        max(date_day) as period_last_business_day
    from ranked_days
    group by month_start

    union all

    select
        'quarter' as period_grain,
        quarter_start as period_start,
        min(case when quarter_rank <= 5 then date_day end) as window_start,
        max(quarter_business_days) as business_days,
        max(date_day) as period_last_business_day
    from ranked_days
    group by quarter_start

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
        avg(case when is_period_end_win then discount_pct end) as period_end_discount_pct,
        avg(case when not is_period_end_win then discount_pct end) as other_discount_pct
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
        cast(round(aggregated.period_end_discount_pct, 2) as decimal(10, 2))
            as period_end_discount_pct,
        cast(round(aggregated.other_discount_pct, 2) as decimal(10, 2)) as other_discount_pct,
        {{ period_is_complete(
            'aggregated.period_grain', 'aggregated.period_start', 'as_of.as_of_end_at'
        ) }} as is_complete,
        as_of.as_of_date
    from aggregated
    cross join as_of

)

select * from final
