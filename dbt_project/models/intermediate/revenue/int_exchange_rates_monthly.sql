{#
    One row per currency and month: the month-end rate (the last ERP rate published on or
    before the month's last day) and the factor that converts one unit of the currency to the
    reporting currency at that rate. The MRR of a month, and the constant-currency value of the
    month before (fct_mrr), are converted with it. The reporting currency's own rows are 1.
    Months run from the first published rate to the as-of month.
#}

with

rates as (

    select * from {{ ref('stg_erp__exchange_rates') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

currencies as (

    select distinct currency from rates
    union
    select 'EUR' as currency

),

months as (

    select
        {{ date_series_rows(
            "(select date_trunc('month', min(rate_date)) from rates)",
            "(select as_of_month from as_of)",
            "interval 1 month"
        ) }} as month

),

month_ends as (

    select
        currencies.currency,
        months.month,
        last_day(months.month) as month_end
    from currencies
    cross join months

),

eur_rates as (

    select
        month_ends.currency,
        month_ends.month,
        case
            when month_ends.currency = 'EUR' then 1.0
            else rates.eur_per_unit
        end::decimal(18, 6) as eur_per_unit
    from month_ends
    asof left join rates
        on
            month_ends.currency = rates.currency
            and month_ends.month_end >= rates.rate_date

),

final as (

    select
        eur_rates.currency,
        eur_rates.month,
        eur_rates.eur_per_unit,
        {% if var('reporting_currency') == 'EUR' %}
            eur_rates.eur_per_unit as reporting_per_unit
        {% else %}
            -- a cross rate through EUR, kept to 6 decimals like the ERP's own rates
            round(eur_rates.eur_per_unit / reporting.eur_per_unit, 6)::decimal(18, 6)
                as reporting_per_unit
        {% endif %}
    from eur_rates
    {% if var('reporting_currency') != 'EUR' %}
        inner join eur_rates as reporting
            on
                eur_rates.month = reporting.month
                and reporting.currency = '{{ var("reporting_currency") }}'
    {% endif %}

)

select * from final
