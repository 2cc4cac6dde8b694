-- name: reps
select
    crm_user_id,
    full_name,
    team,
    erp_role,
    hire_date,
    leave_date,
    is_active,
    monthly_quota,
    accounts_owned,
    orphaned_accounts,
    won_opportunities,
    ramp_months
from marts.dim_sales_reps
where (:rep = 'all' or crm_user_id = :rep)
order by team, full_name

-- name: coverage
select
    count(*) as accounts,
    sum(case when is_orphaned then 1 else 0 end) as orphaned_accounts,
    sum(case when activities_90_days > 0 then 1 else 0 end) as covered_accounts,
    sum(case when is_orphaned then mrr_at_risk else 0 end) as mrr_at_risk,
    sum(case when is_orphaned then open_pipeline_at_risk else 0 end) as open_pipeline_at_risk
from marts.rpt_account_coverage
where
    (:segment = 'all' or segment = :segment)
    and (:rep = 'all' or owner_crm_user_id = :rep)

-- name: orphaned
select
    crm_account_id,
    client_id,
    segment,
    departed_owner_crm_user_id,
    owner_left_on,
    days_orphaned,
    mrr_at_risk,
    open_pipeline_at_risk,
    past_due_pipeline_at_risk
from marts.rpt_account_coverage
where is_orphaned and (:segment = 'all' or segment = :segment)
order by mrr_at_risk desc nulls last

-- name: turnover
select year, headcount_start, headcount_end, hires, leavers, turnover_rate,
    annualised_turnover_rate, is_partial_year
from marts.rpt_rep_turnover
order by year

-- name: attainment
-- quota attainment: won amount in the period against the monthly quota times its months
select
    reps.crm_user_id,
    reps.full_name,
    reps.monthly_quota,
    sum(funnel.won_amount) as won_amount,
    count(distinct funnel.month) as months
from marts.dim_sales_reps as reps
inner join marts.rpt_pipeline_funnel as funnel
    on funnel.owner_crm_user_id = reps.crm_user_id
where
    funnel.pipeline_stage = 'all'
    and funnel.segment = 'all'
    and funnel.month between :month_from and :month_to
    and (:rep = 'all' or reps.crm_user_id = :rep)
group by reps.crm_user_id, reps.full_name, reps.monthly_quota
order by reps.full_name
