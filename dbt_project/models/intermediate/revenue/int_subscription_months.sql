{#
    One row per ERP subscription and month in which it is active on the month's last day
    (KPI-DEFINITIONS: MRR), with its monthly value in the contract currency and in the
    reporting currency. An annual amount counts 1/12 a month; one-off lines are not recurring
    and are left out. end_date is the last day of service, inclusive; an open subscription
    runs to the as-of month (int_as_of). Foreign amounts are converted at the month-end rate
    (int_exchange_rates_monthly). Amounts are decimals throughout, so that a cent never
    depends on how a float rounds.
#}

with

subscriptions as (

    select * from {{ ref('stg_erp__subscriptions') }}

),

rates as (

    select * from {{ ref('int_exchange_rates_monthly') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

recurring as (

    select
        subscriptions.erp_subscription_id,
        subscriptions.erp_customer_id,
        subscriptions.start_date,
        subscriptions.end_date,
        subscriptions.billing_period,
        subscriptions.currency,
        case subscriptions.billing_period
            when 'monthly' then subscriptions.amount
            when 'annual' then round(subscriptions.amount / 12, 6)
        end::decimal(18, 6) as monthly_amount
    from subscriptions
    where
        subscriptions.billing_period in ('monthly', 'annual')
        and subscriptions.start_date is not null
        and subscriptions.amount is not null

),

months as (

    select
        recurring.*,
        as_of.as_of_month,
        {{ date_series_rows(
            "date_trunc('month', recurring.start_date)",
            "least(date_trunc('month', coalesce(recurring.end_date, as_of.as_of_month)), as_of.as_of_month)",
            "interval 1 month"
        ) }} as month
    from recurring
    cross join as_of

),

active as (

    -- active on the last day of the month
    select *
    from months
    where
        start_date <= last_day(month)
        and (end_date is null or end_date >= last_day(month))

),

final as (

    select
        active.erp_subscription_id,
        active.erp_customer_id,
        active.month,
        active.as_of_month,
        active.billing_period,
        active.currency,
        active.monthly_amount,
        rates.eur_per_unit,
        case
            when active.currency = '{{ var("reporting_currency") }}' then 1.0
            else rates.reporting_per_unit
        end::decimal(18, 6) as reporting_per_unit,
        round(active.monthly_amount * case
            when active.currency = '{{ var("reporting_currency") }}' then 1.0
            else rates.reporting_per_unit
        end, 2)::decimal(18, 2) as mrr
    from active
    left join rates
        on
            active.currency = rates.currency
            and active.month = rates.month

)

select * from final
