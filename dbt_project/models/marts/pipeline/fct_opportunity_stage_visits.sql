{#
    One row per opportunity and visit of one of the six pipeline stages (KPI-DEFINITIONS.md,
    Pipeline), built from the reconciled stage changes (int_opportunity_changes_reconciled).
    Two CRM stages of one pipeline stage (Négociation, Closing) make one visit; won and lost
    are stage 6 and end the opportunity. A visit is a regression when its stage is lower than
    the one before; it skipped stages when it is higher than the next one up (a move to
    `lost` never skips: a deal can be lost from any stage). The first visit starts at the
    opportunity's creation and skips nothing, whatever its stage.

    days_in_stage = exited - entered, or as-of - entered for the open visit of an open
    opportunity; null for won and lost (the end, not a stage one waits in) and where an end
    of the visit is not known (a change the two histories missed: entered_at or exited_at is
    null and entry_recorded_by is `inferred`).
#}

with

changes as (

    select * from {{ ref('int_opportunity_changes_reconciled') }}
    where field = 'stage'

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

stages as (

    select * from {{ ref('crm_stages') }}

),

mapped as (

    select
        changes.crm_opportunity_id,
        changes.change_number,
        changes.new_value as crm_stage,
        stages.pipeline_stage,
        stages.stage_number,
        coalesce(stages.is_closed, false) as is_closed_stage,
        changes.changed_at,
        changes.is_time_known,
        changes.recorded_by
    from changes
    left join stages
        on changes.new_value = stages.crm_stage

),

new_stage_entries as (

    -- a move between two CRM stages of one pipeline stage is not a new visit
    select *
    from mapped
    qualify
        lag(pipeline_stage) over (
            partition by crm_opportunity_id order by change_number
        ) is distinct from pipeline_stage
        or change_number = 0

),

visits as (

    select
        crm_opportunity_id,
        row_number() over by_opportunity as visit_number,
        crm_stage,
        pipeline_stage,
        stage_number,
        is_closed_stage,
        case when is_time_known then changed_at end as entered_at,
        lead(case when is_time_known then changed_at end) over by_opportunity as exited_at,
        lead(crm_opportunity_id) over by_opportunity is null as is_last_visit,
        lag(pipeline_stage) over by_opportunity as previous_pipeline_stage,
        lag(stage_number) over by_opportunity as previous_stage_number,
        recorded_by as entry_recorded_by
    from new_stage_entries
    window by_opportunity as (partition by crm_opportunity_id order by change_number)

),

final as (

    select
        visits.crm_opportunity_id,
        visits.visit_number,
        opportunities.client_id,
        opportunities.segment,
        opportunities.owner_crm_user_id,
        visits.crm_stage,
        visits.pipeline_stage,
        visits.stage_number,
        visits.entered_at,
        visits.exited_at,
        visits.is_last_visit and not visits.is_closed_stage as is_open_visit,
        round(
            case
                when visits.is_closed_stage then null
                when visits.is_last_visit
                    then {{ date_difference(
                        'second',
                        "visits.entered_at",
                        "(opportunities.as_of_date + interval 1 day)::timestamp"
                    ) }}
                else {{ date_difference('second', "visits.entered_at", "visits.exited_at") }}
            end / 86400.0,
            2
        )::decimal(10, 2) as days_in_stage,
        visits.previous_pipeline_stage,
        coalesce(visits.stage_number < visits.previous_stage_number, false) as is_regression,
        case
            when
                visits.previous_stage_number is null
                or visits.pipeline_stage = 'lost'
                or visits.stage_number <= visits.previous_stage_number + 1
                then 0
            else visits.stage_number - visits.previous_stage_number - 1
        end as skipped_stages,
        visits.entry_recorded_by,
        opportunities.as_of_date
    from visits
    inner join opportunities
        on visits.crm_opportunity_id = opportunities.crm_opportunity_id

)

select * from final
