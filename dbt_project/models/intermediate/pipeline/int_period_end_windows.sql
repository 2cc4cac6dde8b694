{#
    The period-end window of every month and quarter of the time spine: its last five
    business days (Monday to Friday; no holiday calendar is applied), the days a quota or a
    forecast closes. rpt_period_end_wins and rpt_period_end_quotes read it, so that a win and
    an accepted quote are at a period's end by one rule.
#}

with

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

)

select * from windows
