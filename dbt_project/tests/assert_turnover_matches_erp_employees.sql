-- Rep turnover agrees with the ERP employee table: each year's leavers are the sales staff
-- whose leave date falls in that year (up to the as-of date), and the year-end headcount is
-- the start headcount plus hires minus leavers. Rows returned are failures.
with employees as (
    select * from {{ ref('stg_erp__employees') }}
    where role in ('SDR', 'MDR', 'AE', 'manager')
),

turnover as (
    select * from {{ ref('rpt_rep_turnover') }}
),

expected as (
    select
        turnover.year,
        count(employees.erp_employee_id) as leavers
    from turnover
    left join employees
        on employees.leave_date between turnover.year_start and turnover.year_end
    group by turnover.year
)

select
    turnover.year,
    turnover.leavers,
    expected.leavers as employee_table_leavers
from turnover
inner join expected
    on turnover.year = expected.year
where
    turnover.leavers <> expected.leavers
    or turnover.headcount_end
    <> turnover.headcount_start + turnover.hires - turnover.leavers
