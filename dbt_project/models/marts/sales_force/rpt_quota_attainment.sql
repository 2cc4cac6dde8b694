{#
    Quota attainment per rep and month. Grain: month, crm_user_id, for every rep with a
    monthly quota (ERP employees), for each month they were employed from the CRM's first
    month of opportunities to the as-of month.
    - quota_amount: the monthly quota prorated to the days employed in the month (hired on
      the 16th of a 30-day month: 15/30 of it; the leave date is the last day employed);
    - won_amount, won_opportunities: the rep's actual of rpt_forecast_accuracy (won amount
      of the deals they own with a close date in the month, in the reporting currency), so
      that "won" has one definition; 0 in a month they won nothing;
    - attainment = won_amount / quota_amount, null when the quota is 0;
    - is_complete: the month has fully elapsed by the as-of date (int_as_of). The as-of
      month's attainment is to date and flagged, never read as a whole month's.
#}

with

reps as (

    select * from {{ ref('dim_sales_reps') }}
    where monthly_quota is not null

),

actuals as (

    select * from {{ ref('rpt_forecast_accuracy') }}
    where team <> 'all' and owner_crm_user_id <> 'all'

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

crm_start as (

    select date_trunc('month', min(created_at))::date as first_month from opportunities

),

employed as (

    select
        reps.crm_user_id,
        reps.full_name,
        reps.team,
        reps.monthly_quota,
        coalesce(reps.hire_date, crm_start.first_month) as first_day,
        least(coalesce(reps.left_on, as_of.as_of_date), as_of.as_of_date) as last_day_employed,
        as_of.as_of_date
    from reps
    cross join crm_start
    cross join as_of

),

months as (

    select
        {{ date_series_rows(
            "crm_start.first_month",
            "date_trunc('month', as_of.as_of_date)",
            "interval 1 month"
        ) }} as month
    from crm_start
    cross join as_of

),

rep_months as (

    select
        employed.*,
        months.month
    from employed
    inner join months
        on
            months.month between date_trunc('month', employed.first_day)
            and date_trunc('month', employed.last_day_employed)

),

prorated as (

    select
        *,
        (
            least(last_day(month), last_day_employed)
            - greatest(month, first_day) + 1
        ) as days_employed,
        day(last_day(month)) as days_in_month,
        last_day(month) <= as_of_date as is_complete
    from rep_months

),

final as (

    select
        prorated.month,
        prorated.crm_user_id,
        prorated.full_name,
        prorated.team,
        prorated.monthly_quota::decimal(18, 2) as monthly_quota,
        round(
            prorated.monthly_quota * prorated.days_employed / prorated.days_in_month, 2
        )::decimal(18, 2) as quota_amount,
        coalesce(actuals.actual_amount, 0)::decimal(18, 2) as won_amount,
        coalesce(actuals.won_opportunities, 0)::bigint as won_opportunities,
        round(
            coalesce(actuals.actual_amount, 0)
            / nullif(prorated.monthly_quota * prorated.days_employed / prorated.days_in_month, 0),
            4
        )::double as attainment,
        prorated.is_complete
    from prorated
    left join actuals
        on
            prorated.crm_user_id = actuals.owner_crm_user_id
            and prorated.month = actuals.month

)

select * from final
