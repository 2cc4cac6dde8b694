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
-- quota attainment over the period: Σ won / Σ quota of rpt_quota_attainment's months (the
-- metric quota_attainment); the quota is prorated to the days each rep was employed
select
    crm_user_id,
    full_name,
    team,
    monthly_quota,
    sum(quota_amount) as quota_amount,
    sum(won_amount) as won_amount,
    round(sum(won_amount) / nullif(sum(quota_amount), 0), 4) as attainment,
    bool_and(is_complete) as is_complete
from marts.rpt_quota_attainment
where
    month between :month_from and :month_to
    and (:rep = 'all' or crm_user_id = :rep)
group by crm_user_id, full_name, team, monthly_quota
order by full_name
