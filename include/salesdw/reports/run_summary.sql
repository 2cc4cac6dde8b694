-- The warehouse part of the run summary (run_summary.py): what the last master-data run
-- decided, the MRR bridge, the headline KPIs, and the last publication attempt.

-- name: last_match_run
select
    run_id,
    records,
    clients,
    clients_created,
    clients_merged,
    clients_split
from mdm.match_runs
order by run_id desc
limit 1;

-- name: records_by_link_rule
select
    link_rule,
    count(*) as records
from marts.map_client_source_ids
group by all
order by records desc, link_rule asc;

-- name: mrr_bridge
-- the last three months, all segments
select
    month,
    opening_mrr,
    new_mrr,
    reactivation_mrr,
    expansion_mrr,
    contraction_mrr,
    churn_mrr,
    fx_mrr,
    closing_mrr
from marts.rpt_mrr_monthly
where segment = 'all'
order by month desc
limit 3;

-- name: kpis
select
    (select max(month) from marts.rpt_mrr_monthly) as month,
    (
        select nrr from marts.rpt_retention
        where window_months = 12
        order by month desc limit 1
    ) as nrr,
    (
        select grr from marts.rpt_retention
        where window_months = 12
        order by month desc limit 1
    ) as grr,
    (
        select nps from marts.rpt_nps
        where segment = 'all'
        order by month desc limit 1
    ) as nps,
    (
        select cac from marts.rpt_acquisition
        where channel = 'all'
        order by month desc limit 1
    ) as cac;

-- name: last_publication
select
    publication_id,
    status,
    serves_publication_id,
    checks_run,
    checks_failed_block,
    checks_failed_warn,
    failed_checks,
    location
from audit.publications
order by attempted_at desc
limit 1;

-- name: pipeline_funnel
select
    month,
    win_rate_by_count,
    win_rate_by_amount,
    median_sales_cycle_days,
    p90_sales_cycle_days,
    pipeline_amount,
    weighted_pipeline_amount,
    past_due_opportunities,
    past_due_amount,
    is_complete
from marts.rpt_pipeline_funnel
where segment = 'all' and owner_crm_user_id = 'all' and pipeline_stage = 'all'
order by month desc
limit 1;

-- name: forecast_accuracy
select
    month,
    forecast_amount,
    actual_amount,
    forecast_accuracy,
    forecast_bias
from marts.rpt_forecast_accuracy
where team = 'all' and owner_crm_user_id = 'all'
order by month desc
limit 1;

-- name: slipped_deals
select
    count(*) filter (where slip_count > 0) as slipped,
    count(*) filter (where is_repeat_slipper) as slipped_twice,
    count(*) filter (where is_stalled) as stalled
from marts.fct_slipped_deals;

-- name: forecast_category_paths
select
    count(*) filter (where ups + downs > 0) as moved,
    coalesce(sum(ups), 0) as ups,
    coalesce(sum(downs), 0) as downs,
    count(*) filter (where is_yo_yo) as yo_yo,
    count(*) filter (where is_late_stage_surprise) as surprises,
    coalesce(sum(amount_reporting) filter (where is_late_stage_surprise), 0) as surprise_amount
from marts.rpt_forecast_category_paths;

-- name: lead_funnel
-- per lead owner role, over every month: leads, converted, handed off, won
select
    owner_role,
    sum(leads) as leads,
    sum(converted_leads) as converted,
    sum(handed_off_leads) as handed_off,
    sum(won_leads) as won
from marts.rpt_lead_funnel
where owner_role <> 'all' and owner_crm_user_id = 'all'
group by owner_role
order by leads desc, owner_role;

-- name: period_end_wins
-- the latest whole month and the latest whole quarter, company-wide
select period_grain, period_start, wins, period_end_wins, period_end_share_by_count,
    share_without_pressure, period_end_discount_pct, other_discount_pct
from marts.rpt_period_end_wins
where owner_crm_user_id = 'all' and is_complete
qualify row_number() over (partition by period_grain order by period_start desc) = 1
order by period_grain;

-- name: period_end_quotes
-- the latest whole month and the latest whole quarter
select period_grain, period_start, accepted_quotes, period_end_accepted_quotes,
    period_end_discount_pct, other_discount_pct
from marts.rpt_period_end_quotes
where is_complete
qualify row_number() over (partition by period_grain order by period_start desc) = 1
order by period_grain;

-- name: lost_requests_by_type
-- the latest whole quarter (else the latest one), every kind, per type of request
with latest as (
    select period_start, is_complete from marts.rpt_lost_requests_by_type
    where period_grain = 'quarter' and request_kind = 'all' and request_type = 'all'
    order by is_complete desc, period_start desc
    limit 1
)

select by_type.period_start, latest.is_complete, by_type.request_type, by_type.lost_requests
from marts.rpt_lost_requests_by_type as by_type
inner join latest on by_type.period_start = latest.period_start
where by_type.period_grain = 'quarter' and by_type.request_kind = 'all'
    and by_type.request_type <> 'all'
order by by_type.lost_requests desc, by_type.request_type;

-- name: stage_controls
-- every exit to date, company-wide, per stage in pipeline order; rates of closed deals only
select
    pipeline_stage,
    sum(stage_exits) as stage_exits,
    sum(exits_with_criteria) * 1.0 / sum(stage_exits) as criteria_met_share,
    sum(won_with_criteria) * 1.0 / nullif(sum(closed_with_criteria), 0) as win_rate_with,
    sum(won_without_criteria) * 1.0 / nullif(sum(closed_without_criteria), 0) as win_rate_without
from marts.rpt_stage_controls
where owner_crm_user_id = 'all'
group by pipeline_stage
order by case pipeline_stage
    when 'qualification' then 1 when 'prospecting' then 2 when 'maturation' then 3
    when 'project_building' then 4 else 5 end;

-- name: lost_request_conditions
-- the latest month's lost requests: who asked and on what conditions
select
    lost_month,
    count(*) as lost_requests,
    count(*) filter (where is_decision_maker) as to_decision_makers,
    count(*) filter (where has_named_contact) as with_named_contact,
    count(*) filter (where has_competitor_named) as with_competitor_named,
    count(*) filter (where channel <> 'unknown') as with_channel
from marts.fct_lost_requests
group by lost_month
order by lost_month desc
limit 1;

-- name: significant_cases
-- the latest whole month's significant cases (else the latest month's), every signal
with latest as (
    select period_start, is_complete from marts.rpt_lost_requests_significant
    where period_grain = 'month'
    order by is_complete desc, period_start desc
    limit 1
)

select
    cases.period_start,
    latest.is_complete,
    cases.signal,
    coalesce(cases.request_kind || ' ' || cases.request_id, cases.raw_reason, cases.product_family)
        as item,
    cases.lost_requests,
    cases.lost_amount
from marts.rpt_lost_requests_significant as cases
inner join latest on cases.period_start = latest.period_start
where cases.period_grain = 'month'
order by cases.signal, cases.signal_rank;

-- name: qualification_score
-- the latest month with a ranked rep: how many are ranked, the best and the lowest score
select
    month,
    count(*) as ranked_reps,
    max(qualification_score) as best_score,
    -- tied for first: the smallest rep id, so that the line does not change between runs
    min(owner_crm_user_id) filter (where score_rank = 1) as best_rep,
    min(qualification_score) as lowest_score
from marts.rpt_qualification_quality
where is_ranked
group by month
order by month desc
limit 1;

-- name: lost_reasons
with latest as (
    select max(month) as month from marts.rpt_lost_reasons
)

select
    reasons.month,
    reasons.reason_group,
    reasons.lost_requests,
    reasons.is_recurring_motif
from marts.rpt_lost_reasons as reasons
inner join latest on reasons.month = latest.month
where reasons.segment = 'all'
order by reasons.lost_requests desc, reasons.reason_group asc;

-- name: account_coverage
select
    count(*) filter (where is_orphaned) as orphaned,
    sum(mrr_at_risk) as mrr_at_risk,
    sum(open_pipeline_at_risk) as open_pipeline_at_risk
from marts.rpt_account_coverage;

-- name: support_service
select
    month,
    tickets,
    median_first_response_hours,
    p90_first_response_hours,
    sla_compliance,
    breached_tickets
from marts.rpt_support_service
where priority = 'all'
order by month desc
limit 1;

-- name: churn_after_failure
-- the latest month whose three following months have ended, and how many later ones have not
select
    month,
    churn_rate_3_months_after_failure,
    churn_rate_3_months_without_failure,
    (
        select count(*) from marts.rpt_support_service as later
        where
            later.priority = 'all'
            and later.month > complete.month
            and not coalesce(later.is_churn_window_complete, false)
    ) as incomplete_months
from marts.rpt_support_service as complete
where priority = 'all' and is_churn_window_complete
order by month desc
limit 1;

-- name: nps_after_support_failure
-- the 12 months to the latest one, with and without a support failure before the response
with latest as (
    select max(month) as month from marts.rpt_nps_after_support_failure
)

select
    latest.month,
    nps.support_experience,
    sum(nps.responses) as responses,
    round(100.0 * (sum(nps.promoters) - sum(nps.detractors)) / sum(nps.responses), 1) as nps
from marts.rpt_nps_after_support_failure as nps
cross join latest
where nps.month > latest.month - interval 12 month and nps.support_experience <> 'all'
group by all
order by nps.support_experience;

-- name: nps_by_rep
-- the 12 months to the latest one, per rep with at least 10 counted responses, lowest first
with latest as (
    select max(month) as month from marts.rpt_nps_by_rep
)

select
    nps.owner_crm_user_id,
    sum(nps.responses) as responses,
    round(100.0 * (sum(nps.promoters) - sum(nps.detractors)) / sum(nps.responses), 1) as nps
from marts.rpt_nps_by_rep as nps
cross join latest
where
    nps.month > latest.month - interval 12 month
    and nps.owner_crm_user_id not in ('all', 'unowned')
group by all
having sum(nps.responses) >= 10
order by nps, nps.owner_crm_user_id;

-- name: exit_reasons
-- the churns of the 12 months to the latest one, per exit reason group, largest first
with latest as (
    select max(churn_month) as month from marts.fct_client_churns
)

select
    latest.month,
    churns.exit_reason_group,
    count(*) as churns
from marts.fct_client_churns as churns
cross join latest
where churns.churn_month > latest.month - interval 12 month
group by all
order by churns desc, churns.exit_reason_group;

-- name: client_history
-- the golden records' versions, and the changes that took effect on the latest day
with latest as (
    select max(valid_from)::date as day from marts.dim_clients_history
)

select
    count(distinct history.client_id) as clients,
    count(*) as versions,
    count(*) filter (where history.version_number > 1) as changes,
    count(*) filter (
        where history.version_number > 1 and history.valid_from::date = latest.day
    ) as changes_on_latest_day,
    latest.day
from marts.dim_clients_history as history
cross join latest
group by latest.day;

-- name: rep_turnover
select
    year,
    turnover_rate,
    days_observed,
    is_partial_year,
    annualised_turnover_rate
from marts.rpt_rep_turnover
order by year desc
limit 1;

-- name: unmapped_records
-- every referential-integrity check that found records, largest MRR first
select
    check_name,
    unmapped_records,
    unmapped_mrr,
    unmapped_amount,
    unmapped_mrr_share,
    unmapped_mrr_share_max,
    is_blocking,
    explained_by
from marts.rpt_referential_integrity
where unmapped_records > 0
order by unmapped_mrr desc, unmapped_records desc, check_name asc;

-- name: cac_by_segment
-- the latest month's CAC of each segment, every channel together
select
    month,
    segment,
    new_clients,
    cac
from marts.rpt_cac_by_segment
where
    channel = 'all'
    and segment <> 'all'
    and month = (select max(month) from marts.rpt_cac_by_segment)
order by segment;

-- name: failed_build_steps
-- why a transform run failed: its failed build steps, each step's last attempt
select
    step,
    arg_max(message, finished_at) as message
from audit.build_steps
where dag_run_id = ?
group by step
having arg_max(status, finished_at) = 'failed'
order by min(started_at);

-- name: blocked_publication
-- or, when every step completed, the blocking checks of its last publication attempt
select failed_checks
from audit.publications
where dag_run_id = ? and status <> 'published'
order by attempted_at desc
limit 1;

-- name: key_accounts
-- the as-of month (a key account never met counts among those not met in 90 days)
select
    month,
    count(*) as accounts,
    count(*) filter (where is_top_arr) as by_arr,
    count(*) filter (where is_strategic and not is_top_arr) as strategic_only,
    sum(mrr) as mrr,
    sum(mrr_change) as mrr_change,
    count(*) filter (where not is_knowledge_captured) as knowledge_not_captured,
    count(*) filter (where open_tickets > 0) as with_open_tickets,
    sum(sla_breaches) as sla_breaches,
    count(*) filter (
        where last_meeting_date is null or days_since_last_meeting > 90
    ) as not_met_in_90_days
from marts.rpt_key_accounts
where is_as_of_month
group by month;

-- name: quota_attainment
-- the two latest months: the as-of month is usually not over, so the last whole one is shown
select
    month,
    sum(won_amount) / nullif(sum(quota_amount), 0) as attainment,
    sum(won_amount) as won_amount,
    sum(quota_amount) as quota_amount,
    count(*) as reps,
    bool_and(is_complete) as is_complete
from marts.rpt_quota_attainment
group by month
order by month desc
limit 2;

-- name: product_families
-- per family: the as-of month's MRR, lost and requested, and the open pipeline of every month
with as_of as (
    select max(month) as month from marts.rpt_product_families where subscriptions > 0
)

select
    families.family,
    as_of.month,
    sum(case when families.month = as_of.month then families.mrr else 0 end) as mrr,
    sum(families.open_pipeline_amount) as open_pipeline_amount,
    sum(case when families.month = as_of.month then families.lost_requests else 0 end)
        as lost_requests,
    sum(case when families.month = as_of.month then families.requests_not_released else 0 end)
        as requests_not_released,
    sum(case when families.month = as_of.month then families.requests_end_of_life else 0 end)
        as requests_end_of_life,
    sum(case
        when families.month = as_of.month then families.opportunities + families.quotes else 0
    end) as requests
from marts.rpt_product_families as families
cross join as_of
group by families.family, as_of.month
order by mrr desc, families.family;
