{#
    The discount depth of the quotes accepted at a period's end (int_period_end_windows)
    against those accepted at other times: the ERP's counterpart of rpt_period_end_wins'
    discount columns. Quotes carry no CRM owner, hence no per-rep rows. A quote's acceptance
    is its latest version's updated_at: accepted is a final status, so no later version
    moves it.
#}

with

quotes as (

    select * from {{ ref('stg_erp__quotes') }}

),

windows as (

    select * from {{ ref('int_period_end_windows') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

accepted as (

    select
        erp_quote_id,
        cast(updated_at as date) as accepted_on,
        discount_pct
    from quotes
    where status = 'accepted' and updated_at is not null

),

accepted_in_periods as (

    select
        windows.period_grain,
        windows.period_start,
        accepted.discount_pct,
        accepted.accepted_on >= windows.window_start as is_period_end_acceptance
    from accepted
    inner join windows
        on
            windows.period_start
            = cast(date_trunc(windows.period_grain, accepted.accepted_on) as date)

),

aggregated as (

    select
        period_grain,
        period_start,
        count(*) as accepted_quotes,
        count(case when is_period_end_acceptance then 1 end) as period_end_accepted_quotes,
        count(case when is_period_end_acceptance then discount_pct end)
            as period_end_discount_quotes,
        sum(case when is_period_end_acceptance then discount_pct end)
            as period_end_discount_pct_sum,
        count(case when not is_period_end_acceptance then discount_pct end)
            as other_discount_quotes,
        sum(case when not is_period_end_acceptance then discount_pct end)
            as other_discount_pct_sum
    from accepted_in_periods
    group by period_grain, period_start

),

final as (

    select
        aggregated.period_grain,
        aggregated.period_start,
        cast(aggregated.accepted_quotes as bigint) as accepted_quotes,
        cast(aggregated.period_end_accepted_quotes as bigint) as period_end_accepted_quotes,
        {{ mean_half_up(
            'aggregated.period_end_discount_pct_sum', 'aggregated.period_end_discount_quotes'
        ) }} as period_end_discount_pct,
        {{ mean_half_up('aggregated.other_discount_pct_sum', 'aggregated.other_discount_quotes') }}
            as other_discount_pct,
        cast(aggregated.period_end_discount_quotes as bigint) as period_end_discount_quotes,
        cast(aggregated.period_end_discount_pct_sum as decimal(18, 2))
            as period_end_discount_pct_sum,
        cast(aggregated.other_discount_quotes as bigint) as other_discount_quotes,
        cast(aggregated.other_discount_pct_sum as decimal(18, 2)) as other_discount_pct_sum,
        {{ period_is_complete(
            'aggregated.period_grain', 'aggregated.period_start', 'as_of.as_of_end_at'
        ) }} as is_complete,
        as_of.as_of_date
    from aggregated
    cross join as_of

)

select * from final
