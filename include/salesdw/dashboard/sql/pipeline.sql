-- The funnel's rep-level rows are summed here rather than its 'all' roll-ups: a rep's login
-- reads only their own rows (docs/access.md), so the sum is what that login may see.

-- name: funnel
select
    pipeline_stage,
    min(stage_number_order) as stage_order,
    sum(entered_opportunities) as entered_opportunities,
    sum(converted_opportunities) as converted_opportunities,
    sum(open_opportunities) as open_opportunities,
    sum(pipeline_amount) as pipeline_amount,
    sum(weighted_pipeline_amount) as weighted_pipeline_amount
from (
    select
        *,
        case pipeline_stage
            when 'qualification' then 1
            when 'prospecting' then 2
            when 'maturation' then 3
            when 'project_building' then 4
            when 'negotiation_closing' then 5
            when 'won' then 6
            else 7
        end as stage_number_order
    from marts.rpt_pipeline_funnel
) as funnel
where
    coalesce(owner_crm_user_id, '') <> 'all'
    and pipeline_stage <> 'all'
    and segment = :segment
    and (:rep = 'all' or owner_crm_user_id = :rep)
    and month = :month_to
group by pipeline_stage
order by stage_order

-- name: totals
select
    sum(pipeline_amount) as pipeline_amount,
    sum(weighted_pipeline_amount) as weighted_pipeline_amount,
    sum(open_opportunities) as open_opportunities,
    sum(won_opportunities) as won_opportunities,
    sum(lost_opportunities) as lost_opportunities,
    sum(won_amount) as won_amount,
    sum(closed_amount) as closed_amount,
    sum(past_due_amount) as past_due_amount
from marts.rpt_pipeline_funnel
where
    coalesce(owner_crm_user_id, '') <> 'all'
    and pipeline_stage = 'all'
    and segment = :segment
    and (:rep = 'all' or owner_crm_user_id = :rep)
    and month = :month_to

-- name: time_in_stage
select
    pipeline_stage,
    min(stage_number) as stage_number,
    count(*) as visits,
    percentile_cont(0.5) within group (order by days_in_stage) as median_days_in_stage
from marts.fct_opportunity_stage_visits
where
    days_in_stage is not null
    and pipeline_stage not in ('won', 'lost')
    and cast(entered_at as date) between :month_from and :month_to_end
    and (:segment = 'all' or segment = :segment)
    and (:rep = 'all' or owner_crm_user_id = :rep)
group by pipeline_stage
order by stage_number

-- name: win_rate
select
    month,
    sum(won_opportunities) as won_opportunities,
    sum(lost_opportunities) as lost_opportunities,
    sum(won_amount) as won_amount,
    sum(closed_amount) as closed_amount
from marts.rpt_pipeline_funnel
where
    coalesce(owner_crm_user_id, '') <> 'all'
    and pipeline_stage = 'all'
    and segment = :segment
    and (:rep = 'all' or owner_crm_user_id = :rep)
    and month between :month_from and :month_to
group by month
order by month

-- name: forecast
select month, owner_crm_user_id, forecast_amount, actual_amount, forecast_accuracy, forecast_bias
from marts.rpt_forecast_accuracy
where
    coalesce(owner_crm_user_id, '') <> 'all'
    and (:rep = 'all' or owner_crm_user_id = :rep)
    and month between :month_from and :month_to
order by month, owner_crm_user_id

-- name: past_due
select past_due_age_band, owner_crm_user_id, past_due_opportunities, past_due_amount, max_days_past_due
from marts.rpt_past_due_pipeline
where
    coalesce(owner_crm_user_id, '') <> 'all'
    and past_due_age_band <> 'all'
    and segment = :segment
    and (:rep = 'all' or owner_crm_user_id = :rep)
order by past_due_amount desc

-- name: slipped
select
    crm_opportunity_id,
    client_id,
    segment,
    owner_crm_user_id,
    pipeline_stage,
    slip_count,
    days_slipped,
    amount_slipped,
    is_stalled,
    days_since_stage_change,
    expected_close_date
from marts.fct_slipped_deals
where
    (slip_count >= 2 or is_stalled)
    and (:segment = 'all' or segment = :segment)
    and (:rep = 'all' or owner_crm_user_id = :rep)
order by slip_count desc, amount_slipped desc
