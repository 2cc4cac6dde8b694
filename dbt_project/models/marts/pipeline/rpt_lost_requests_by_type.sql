{#
    The lost and refused requests by type of request (new client, renewal, extension,
    services; a lead is a new client, an ERP quote has no type: unknown), per month and per
    quarter, for the monthly and quarterly reviews: how many, and their amount in the
    reporting currency (leads have none). Roll-ups: every request kind (`all`) for one type,
    and every type (`all`).

    Grain: one row per period_grain (`month`, `quarter`), period_start, request_kind and
    request_type. is_complete: the period is over by the as-of date.
#}

with

lost as (

    select * from {{ ref('fct_lost_requests') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

periods as (

    select
        'month' as period_grain,
        cast(date_trunc('month', lost_at) as date) as period_start,
        request_kind,
        request_type,
        amount_reporting
    from lost

    union all

    select
        'quarter' as period_grain,
        cast(date_trunc('quarter', lost_at) as date) as period_start,
        request_kind,
        request_type,
        amount_reporting
    from lost

),

aggregated as (

    select
        period_grain,
        period_start,
        case when grouping(request_kind) = 1 then 'all' else request_kind end as request_kind,
        case when grouping(request_type) = 1 then 'all' else request_type end as request_type,
        count(*) as lost_requests,
        sum(amount_reporting) as lost_amount
    from periods
    group by grouping sets (
        (period_grain, period_start, request_kind, request_type),
        (period_grain, period_start, request_type),
        (period_grain, period_start)
    )

),

final as (

    select
        aggregated.period_grain,
        aggregated.period_start,
        aggregated.request_kind,
        aggregated.request_type,
        cast(aggregated.lost_requests as bigint) as lost_requests,
        cast(aggregated.lost_amount as decimal(18, 2)) as lost_amount,
        {{ period_is_complete(
            'aggregated.period_grain', 'aggregated.period_start', 'as_of.as_of_end_at'
        ) }} as is_complete,
        as_of.as_of_date
    from aggregated
    cross join as_of

)

select * from final
