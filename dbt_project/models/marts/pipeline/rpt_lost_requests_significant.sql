{#
    The significant cases of each month and quarter's review (issue 18 §1), three signals:
    - largest_amount: the var significant_largest_n lost requests with the largest amount in
      the reporting currency (deals and quotes; ties to the smaller kind and id);
    - new_reason: a raw reason (per request kind) no request was lost for before the period,
      with its requests of the period;
    - out_of_scope: the requests lost as out of scope (reason group out_of_scope) grouped by
      requested product family (`none` for leads): what clients ask for that the offer lacks.

    Grain: one row per period_grain (`month`, `quarter`), period_start, signal and
    signal_rank (1 = the largest amount, the most requests; ties to the smaller kind, reason
    or family). is_complete: the period is over by the as-of date.
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
        *
    from lost

    union all

    select
        'quarter' as period_grain,
        cast(date_trunc('quarter', lost_at) as date) as period_start,
        *
    from lost

),

largest as (

    select
        period_grain,
        period_start,
        'largest_amount' as signal,
        row_number() over (
            partition by period_grain, period_start
            order by amount_reporting desc, request_kind asc, request_id asc
        ) as signal_rank,
        request_kind,
        request_id,
        raw_reason,
        reason_group,
        product_family,
        1 as lost_requests,
        amount_reporting as lost_amount
    from periods
    where amount_reporting is not null
    qualify signal_rank <= {{ var('significant_largest_n') }}

),

first_seen as (

    select
        request_kind,
        raw_reason,
        min(lost_at) as first_lost_at
    from lost
    where raw_reason is not null
    group by request_kind, raw_reason

),

new_reasons as (

    select
        periods.period_grain,
        periods.period_start,
        'new_reason' as signal,
        periods.request_kind,
        periods.raw_reason,
        min(periods.reason_group) as reason_group,
        count(*) as lost_requests,
        sum(periods.amount_reporting) as lost_amount
    from periods
    inner join first_seen
        on
            periods.request_kind = first_seen.request_kind
            and periods.raw_reason = first_seen.raw_reason
    -- first lost for in this period: none before its start
    where
        case periods.period_grain
            when 'month' then cast(date_trunc('month', first_seen.first_lost_at) as date)
            else cast(date_trunc('quarter', first_seen.first_lost_at) as date)
        end = periods.period_start
    group by periods.period_grain, periods.period_start, periods.request_kind, periods.raw_reason

),

out_of_scope as (

    select
        period_grain,
        period_start,
        'out_of_scope' as signal,
        product_family,
        count(*) as lost_requests,
        sum(amount_reporting) as lost_amount
    from periods
    where reason_group = 'out_of_scope'
    group by period_grain, period_start, product_family

),

signals as (

    select
        period_grain,
        period_start,
        signal,
        signal_rank,
        request_kind,
        request_id,
        raw_reason,
        reason_group,
        product_family,
        lost_requests,
        lost_amount
    from largest

    union all

    select
        period_grain,
        period_start,
        signal,
        row_number() over (
            partition by period_grain, period_start
            order by lost_requests desc, request_kind asc, raw_reason asc
        ) as signal_rank,
        request_kind,
        null as request_id,
        raw_reason,
        reason_group,
        null as product_family,
        lost_requests,
        lost_amount
    from new_reasons

    union all

    select
        period_grain,
        period_start,
        signal,
        row_number() over (
            partition by period_grain, period_start
            order by lost_requests desc, product_family asc
        ) as signal_rank,
        null as request_kind,
        null as request_id,
        null as raw_reason,
        'out_of_scope' as reason_group,
        product_family,
        lost_requests,
        lost_amount
    from out_of_scope

),

final as (

    select
        signals.period_grain,
        signals.period_start,
        signals.signal,
        cast(signals.signal_rank as bigint) as signal_rank,
        signals.request_kind,
        signals.request_id,
        signals.raw_reason,
        signals.reason_group,
        signals.product_family,
        cast(signals.lost_requests as bigint) as lost_requests,
        cast(signals.lost_amount as decimal(18, 2)) as lost_amount,
        {{ period_is_complete(
            'signals.period_grain', 'signals.period_start', 'as_of.as_of_end_at'
        ) }} as is_complete,
        as_of.as_of_date
    from signals
    cross join as_of

)

select * from final
