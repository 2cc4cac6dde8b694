{#
    One row per ERP subscription and month in which it is active on the month's last day
    (KPI-DEFINITIONS: MRR), with its monthly value in the reporting currency. An annual
    amount counts 1/12 a month; one-off lines are not recurring and are left out. end_date
    is the last day of service, inclusive; an open subscription runs to the as-of month
    (int_as_of). Foreign amounts are converted at the month-end rate: the last rate
    published on or before the month's last day (seeded by ERP exchange_rates, EUR per unit).
#}

with

subscriptions as (

    select * from {{ ref('stg_erp__subscriptions') }}

),

rates as (

    select * from {{ ref('stg_erp__exchange_rates') }}

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
            when 'annual' then subscriptions.amount / 12
        end as monthly_amount
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
        unnest(generate_series(
            date_trunc('month', recurring.start_date),
            least(
                date_trunc('month', coalesce(recurring.end_date, as_of.as_of_month)),
                as_of.as_of_month
            ),
            interval 1 month
        ))::date as month
    from recurring
    cross join as_of

),

active as (

    -- active on the last day of the month
    select
        *,
        last_day(month) as month_end
    from months
    where
        start_date <= last_day(month)
        and (end_date is null or end_date >= last_day(month))

),

converted as (

    select
        active.*,
        case
            when active.currency = 'EUR' then 1.0
            else rates.eur_per_unit
        end as eur_per_unit
    from active
    asof left join rates
        on
            active.currency = rates.currency
            and active.month_end >= rates.rate_date

),

reporting_rate as (

    {% if var('reporting_currency') == 'EUR' %}
        select
            active_months.month_end,
            1.0 as eur_per_reporting_unit
        from (select distinct month_end from active) as active_months
    {% else %}
        select
            active_months.month_end,
            rates.eur_per_unit as eur_per_reporting_unit
        from (select distinct month_end from active) as active_months
        asof left join rates
            on
                rates.currency = '{{ var("reporting_currency") }}'
                and active_months.month_end >= rates.rate_date
    {% endif %}

),

final as (

    select
        converted.erp_subscription_id,
        converted.erp_customer_id,
        converted.month,
        converted.as_of_month,
        converted.billing_period,
        converted.currency,
        converted.monthly_amount,
        converted.eur_per_unit,
        (round(
            converted.monthly_amount * converted.eur_per_unit
            / reporting_rate.eur_per_reporting_unit,
            2
        ))::decimal(18, 2) as mrr
    from converted
    inner join reporting_rate
        on converted.month_end = reporting_rate.month_end

)

select * from final
