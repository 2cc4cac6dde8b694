{#
    What reps did at each stage and whether the deal left it with its exit criteria met.

    An activity belongs to the visit of its opportunity it happened in: on or after the visit's
    entry and before its exit (no exit: the open visit). Where an end of the visit is not known
    (inferred, fct_opportunity_stage_visits) its activities cannot be placed: the counts are
    null. A criterion is met when the CRM recorded its date on or before the visit's exit (the
    as-of date for a visit not left, or whose exit time is not known): one met in an earlier
    visit of the stage still counts after a regression. The criteria fields are the seed
    stage_exit_criteria's crm_field values.
#}

{%- set criteria_fields = [
    'need_identified_at',
    'budget_confirmed_at',
    'decision_maker_met_at',
    'solution_demonstrated_at',
    'proposal_sent_at',
    'commitments_obtained_at',
] %}

with

all_visits as (

    select * from {{ ref('fct_opportunity_stage_visits') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}
    where crm_opportunity_id is not null

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

criteria as (

    select * from {{ ref('stage_exit_criteria') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

outcomes as (

    -- a deal's outcome is its last visit's stage: won, lost, or open before them
    select
        crm_opportunity_id,
        case
            when {{ max_by('pipeline_stage', 'visit_number') }} in ('won', 'lost')
                then {{ max_by('pipeline_stage', 'visit_number') }}
            else 'open'
        end as opportunity_outcome
    from all_visits
    group by crm_opportunity_id

),

visits as (

    select
        all_visits.*,
        not all_visits.is_open_visit as is_exited,
        all_visits.entered_at is not null
        and (all_visits.exited_at is not null or all_visits.is_open_visit) as is_time_known
    from all_visits
    where all_visits.stage_number < 6

),

criteria_met_at as (

    {% for field in criteria_fields %}
        select
            crm_opportunity_id,
            '{{ field }}' as crm_field,
            {{ field }} as met_at
        from opportunities
        where {{ field }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

visit_criteria as (

    select
        visits.crm_opportunity_id,
        visits.visit_number,
        count(*) as criteria_required,
        sum(
            case
                when criteria_met_at.met_at <= coalesce(visits.exited_at, as_of.as_of_end_at)
                    then 1
                else 0
            end
        ) as criteria_met
    from visits
    inner join criteria
        on visits.pipeline_stage = criteria.pipeline_stage
    cross join as_of
    left join criteria_met_at
        on
            visits.crm_opportunity_id = criteria_met_at.crm_opportunity_id
            and criteria.crm_field = criteria_met_at.crm_field
    group by visits.crm_opportunity_id, visits.visit_number

),

visit_activities as (

    select
        visits.crm_opportunity_id,
        visits.visit_number,
        count(*) as activities,
        sum(case when activities.activity_type = 'call' then 1 else 0 end) as calls,
        sum(case when activities.activity_type = 'meeting' then 1 else 0 end) as meetings,
        sum(case when activities.activity_type = 'email' then 1 else 0 end) as emails,
        sum(case when activities.activity_type = 'note' then 1 else 0 end) as notes
    from visits
    inner join activities
        on
            visits.crm_opportunity_id = activities.crm_opportunity_id
            and visits.entered_at <= activities.occurred_at
            and (visits.exited_at > activities.occurred_at or visits.is_open_visit)
    where visits.is_time_known
    group by visits.crm_opportunity_id, visits.visit_number

),

final as (

    select
        visits.crm_opportunity_id,
        visits.visit_number,
        visits.client_id,
        visits.owner_crm_user_id,
        visits.pipeline_stage,
        visits.stage_number,
        visits.entered_at,
        visits.exited_at,
        cast(date_trunc('month', visits.exited_at) as date) as exit_month,
        visits.is_exited,
        visits.is_time_known,
        cast(
            case when visits.is_time_known then coalesce(visit_activities.activities, 0) end
            as integer
        ) as activities,
        cast(
            case when visits.is_time_known then coalesce(visit_activities.calls, 0) end
            as integer
        ) as calls,
        cast(
            case when visits.is_time_known then coalesce(visit_activities.meetings, 0) end
            as integer
        ) as meetings,
        cast(
            case when visits.is_time_known then coalesce(visit_activities.emails, 0) end
            as integer
        ) as emails,
        cast(
            case when visits.is_time_known then coalesce(visit_activities.notes, 0) end
            as integer
        ) as notes,
        cast(coalesce(visit_criteria.criteria_required, 0) as integer) as criteria_required,
        cast(coalesce(visit_criteria.criteria_met, 0) as integer) as criteria_met,
        visits.is_exited
        and coalesce(visit_criteria.criteria_met, 0)
        = coalesce(visit_criteria.criteria_required, 0) as has_met_exit_criteria,
        outcomes.opportunity_outcome,
        visits.as_of_date
    from visits
    inner join outcomes
        on visits.crm_opportunity_id = outcomes.crm_opportunity_id
    left join visit_criteria
        on
            visits.crm_opportunity_id = visit_criteria.crm_opportunity_id
            and visits.visit_number = visit_criteria.visit_number
    left join visit_activities
        on
            visits.crm_opportunity_id = visit_activities.crm_opportunity_id
            and visits.visit_number = visit_activities.visit_number

)

select * from final
