{#
    Rep turnover per year (KPI-DEFINITIONS.md, Sales force and coverage), from the ERP
    employee table, sales roles only (SDR, MDR, AE, manager; `other` is not sales staff).
    Grain: one row per calendar year, from the first hire to the as-of year (the current
    year runs to the as-of date, int_as_of).
    headcount_start: employed as 1 January begins (hired before it, not left before it);
    headcount_end: employed at the year's end (or the as-of date); leavers: leave date in
    the year and on or before the as-of date; turnover_rate = leavers / average of the two
    headcounts, over the days observed. A year not over yet (is_partial_year) is also given
    annualised: turnover_rate x 365 / days observed (KPI-DEFINITIONS.md: the rate quoted to
    directors is a yearly one); a full year's annualised rate is its turnover_rate.
#}

with

employees as (

    select * from {{ ref('stg_erp__employees') }}
    where role in ('SDR', 'MDR', 'AE', 'manager')

),

as_of as (

    -- the warehouse's as-of date, not the employees' own latest extract
    select * from {{ ref('int_as_of') }}

),

years as (

    select
        {{ date_series_rows(
            "(select date_trunc('year', min(hire_date)) from employees)",
            "(select date_trunc('year', as_of_date) from as_of)",
            "interval 1 year"
        ) }} as year_start

),

bounds as (

    select
        years.year_start,
        least(years.year_start + interval 1 year - interval 1 day, as_of.as_of_date)::date
            as year_end,
        as_of.as_of_date
    from years
    cross join as_of

),

measured as (

    select
        year(bounds.year_start) as year,
        bounds.year_start,
        bounds.year_end,
        count(*) filter (
            where
            employees.hire_date < bounds.year_start
            and (employees.leave_date is null or employees.leave_date >= bounds.year_start)
        ) as headcount_start,
        count(*) filter (
            where
            employees.hire_date <= bounds.year_end
            and (employees.leave_date is null or employees.leave_date > bounds.year_end)
        ) as headcount_end,
        count(*) filter (
            where employees.hire_date between bounds.year_start and bounds.year_end
        ) as hires,
        count(*) filter (
            where employees.leave_date between bounds.year_start and bounds.year_end
        ) as leavers,
        round(
            count(*) filter (
                where employees.leave_date between bounds.year_start and bounds.year_end
            ) / nullif((
                count(*) filter (
                    where
                    employees.hire_date < bounds.year_start
                    and (
                        employees.leave_date is null
                        or employees.leave_date >= bounds.year_start
                    )
                )
                + count(*) filter (
                    where
                    employees.hire_date <= bounds.year_end
                    and (
                        employees.leave_date is null
                        or employees.leave_date > bounds.year_end
                    )
                )
            ) / 2.0, 0),
            4
        )::double as turnover_rate
    from bounds
    cross join employees
    group by bounds.year_start, bounds.year_end

),

final as (

    -- a year not over yet is annualised: its rate over the days observed, scaled to 365
    select
        *,
        {{ date_difference('day', "year_start", "year_end") }} + 1 as days_observed,
        year_end < (year_start + interval 1 year - interval 1 day)::date as is_partial_year,
        case
            when year_end < (year_start + interval 1 year - interval 1 day)::date
                then round(turnover_rate * 365 / ({{ date_difference(
                    'day',
                    "year_start",
                    "year_end"
                ) }} + 1), 4)
            else turnover_rate
        end::double as annualised_turnover_rate
    from measured

)

select * from final
