{#
    Which actions move deals on: per stage, rep and month of exit, the share of stage exits
    made with the stage's exit criteria met, and the win rate (won / (won + lost), of the
    deals closed by the as-of date) of the exits with the criteria met and of those without.
    A deal that leaves a stage twice (after a regression) counts twice. Exits whose time is
    not known (fct_stage_actions.exit_month null) are left out. `all` rolls up the reps.

    A recent month's win rates still move as its exits' deals close (KPI-DEFINITIONS.md,
    Pipeline): a month is complete once the 90th percentile of the stage's days from exit to
    the deal's close (over its closed exits of known time) has elapsed after the month's
    last day.
#}

with

exits as (

    select * from {{ ref('fct_stage_actions') }}
    where is_exited and exit_month is not null

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

horizons as (

    select
        exits.pipeline_stage,
        ceil(coalesce({{ quantile(
            date_difference('day', 'exits.exited_at', 'opportunities.closed_at'), 0.9
        ) }}, 0)) as p90_days_to_close
    from exits
    inner join opportunities
        on exits.crm_opportunity_id = opportunities.crm_opportunity_id
    where exits.opportunity_outcome <> 'open' and opportunities.closed_at is not null
    group by exits.pipeline_stage

),

per_rep as (

    select
        pipeline_stage,
        owner_crm_user_id,
        exit_month,
        has_met_exit_criteria,
        opportunity_outcome,
        activities
    from exits

),

with_all as (

    select * from per_rep

    union all

    select
        pipeline_stage,
        'all' as owner_crm_user_id,
        exit_month,
        has_met_exit_criteria,
        opportunity_outcome,
        activities
    from per_rep

),

aggregated as (

    select
        pipeline_stage,
        owner_crm_user_id,
        exit_month,
        count(*) as stage_exits,
        sum(case when has_met_exit_criteria then 1 else 0 end) as exits_with_criteria,
        sum(
            case when has_met_exit_criteria and opportunity_outcome <> 'open' then 1 else 0 end
        ) as closed_with_criteria,
        sum(
            case when has_met_exit_criteria and opportunity_outcome = 'won' then 1 else 0 end
        ) as won_with_criteria,
        sum(
            case
                when not has_met_exit_criteria and opportunity_outcome <> 'open' then 1 else 0
            end
        ) as closed_without_criteria,
        sum(
            case when not has_met_exit_criteria and opportunity_outcome = 'won' then 1 else 0 end
        ) as won_without_criteria,
        sum(activities) as activities
    from with_all
    group by pipeline_stage, owner_crm_user_id, exit_month

),

final as (

    select
        aggregated.pipeline_stage,
        aggregated.owner_crm_user_id,
        aggregated.exit_month,
        aggregated.stage_exits,
        cast(aggregated.exits_with_criteria as bigint) as exits_with_criteria,
        cast(
            round(aggregated.exits_with_criteria * 1.0 / aggregated.stage_exits, 4)
            as decimal(10, 4)
        ) as criteria_met_share,
        cast(aggregated.closed_with_criteria as bigint) as closed_with_criteria,
        cast(aggregated.won_with_criteria as bigint) as won_with_criteria,
        cast(
            round(
                aggregated.won_with_criteria * 1.0
                / nullif(aggregated.closed_with_criteria, 0),
                4
            ) as decimal(10, 4)
        ) as win_rate_with_criteria,
        cast(aggregated.closed_without_criteria as bigint) as closed_without_criteria,
        cast(aggregated.won_without_criteria as bigint) as won_without_criteria,
        cast(
            round(
                aggregated.won_without_criteria * 1.0
                / nullif(aggregated.closed_without_criteria, 0),
                4
            ) as decimal(10, 4)
        ) as win_rate_without_criteria,
        cast(aggregated.activities as bigint) as activities,
        {{ date_difference('day', 'last_day(aggregated.exit_month)', 'as_of.as_of_date') }}
        >= coalesce(horizons.p90_days_to_close, 0) as is_complete,
        as_of.as_of_date
    from aggregated
    cross join as_of
    left join horizons
        on aggregated.pipeline_stage = horizons.pipeline_stage

)

select * from final
