{#
    Retention per month and window (1, 3 and 12 months ending with the month): the clients
    active (MRR > 0) in the month before the window starts, and what became of them by the
    month. KPI-DEFINITIONS.md (Retention and churn). Choices: GRR counts each client's net
    loss over the window, min(MRR now, MRR at start), so a contraction undone within the
    window is no loss and GRR <= 100% by construction; clients new in the window are in
    neither denominator. gross_mrr_churn_rate is the monthly rate and is given on the
    1-month rows only. Rows exist only where some client was active at the window's start.
#}

with

mrr as (

    select * from {{ ref('fct_mrr') }}

),

bridge as (

    select * from {{ ref('rpt_mrr_monthly') }}
    where segment = 'all'

),

months as (

    select distinct month from mrr

),

window_lengths as (

    select {{ values_rows([1, 3, 12]) }} as window_months

),

windows as (

    select
        months.month,
        window_lengths.window_months,
        (months.month - to_months(window_lengths.window_months))::date as start_month
    from months
    cross join window_lengths

),

clients_at_start as (

    select
        windows.month,
        windows.window_months,
        at_start.client_id,
        at_start.mrr as start_mrr,
        coalesce(now.mrr, 0) as end_mrr
    from windows
    inner join mrr as at_start
        on
            windows.start_month = at_start.month
            and at_start.mrr > 0
    left join mrr as now
        on
            at_start.client_id = now.client_id
            and windows.month = now.month

),

aggregated as (

    select
        month,
        window_months,
        count(*) as clients_at_start,
        count(*) filter (where end_mrr = 0) as churned_clients,
        sum(start_mrr) as mrr_at_start,
        sum(least(start_mrr, end_mrr)) as mrr_retained_gross,
        sum(end_mrr) as mrr_now
    from clients_at_start
    group by all

),

final as (

    select
        aggregated.month,
        aggregated.window_months,
        aggregated.clients_at_start,
        aggregated.churned_clients,
        (aggregated.mrr_at_start)::decimal(18, 2) as mrr_at_start,
        (aggregated.mrr_retained_gross)::decimal(18, 2) as mrr_retained_gross,
        (aggregated.mrr_now)::decimal(18, 2) as mrr_now,
        round(aggregated.churned_clients / aggregated.clients_at_start, 4)::double as logo_churn_rate,
        round(aggregated.mrr_retained_gross / aggregated.mrr_at_start, 4)::double as grr,
        round(aggregated.mrr_now / aggregated.mrr_at_start, 4)::double as nrr,
        case
            when aggregated.window_months = 1 and bridge.opening_mrr > 0
                then round(
                    (abs(bridge.churn_mrr) + abs(bridge.contraction_mrr)) / bridge.opening_mrr, 4
                )::double
        end as gross_mrr_churn_rate
    from aggregated
    left join bridge
        on aggregated.month = bridge.month

)

select * from final
