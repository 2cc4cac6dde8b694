{#
    One row per support ticket (grain: support_ticket_id) with its master client, response
    and resolution times in minutes and its two SLA targets (KPI-DEFINITIONS.md, Support SLA
    compliance). A target is decided once it was met or missed: met when the first response
    (or the resolution) came at or before created_at + the target; missed when it came after,
    or has not come and the target has passed at the as-of date (the end of the as-of
    day, int_as_of). Times are in calendar minutes: the support extract gives no business
    hours schedule. is_answered_late / is_solved_late are the misses whose response or
    resolution did arrive; is_breached is either target missed.
#}

with

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

client_map as (

    select * from {{ ref('map_client_source_ids') }}
    where source_system = 'support' and source_entity = 'organizations'

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

timed as (

    select
        tickets.support_ticket_id,
        client_map.client_id,
        tickets.support_org_id,
        tickets.priority,
        tickets.category,
        tickets.channel,
        tickets.status,
        tickets.created_at,
        date_trunc('month', tickets.created_at)::date as created_month,
        tickets.first_response_at,
        tickets.solved_at,
        tickets.sla_first_response_minutes,
        tickets.sla_resolution_minutes,
        tickets.created_at + to_minutes(tickets.sla_first_response_minutes)
            as first_response_due_at,
        tickets.created_at + to_minutes(tickets.sla_resolution_minutes) as resolution_due_at,
        {{ date_difference('second', "tickets.created_at", "tickets.first_response_at") }} / 60.0
            as first_response_minutes,
        {{ date_difference(
            'second',
            "tickets.created_at",
            "tickets.solved_at"
        ) }} / 60.0 as resolution_minutes,
        as_of.as_of_end_at as as_of_at
    from tickets
    cross join as_of
    left join client_map
        on tickets.support_org_id = client_map.source_id

),

final as (

    select
        support_ticket_id,
        client_id,
        support_org_id,
        priority,
        category,
        channel,
        status,
        created_at,
        created_month,
        first_response_at,
        solved_at,
        round(first_response_minutes, 1)::decimal(12, 1) as first_response_minutes,
        round(resolution_minutes, 1)::decimal(12, 1) as resolution_minutes,
        sla_first_response_minutes,
        sla_resolution_minutes,
        first_response_due_at,
        resolution_due_at,
        first_response_at is not null or first_response_due_at < as_of_at
            as is_first_response_decided,
        first_response_at <= first_response_due_at as is_first_response_met,
        coalesce(first_response_at > first_response_due_at, false) as is_answered_late,
        solved_at is not null or resolution_due_at < as_of_at as is_resolution_decided,
        solved_at <= resolution_due_at as is_resolution_met,
        coalesce(solved_at > resolution_due_at, false) as is_solved_late,
        coalesce(first_response_at, as_of_at) > first_response_due_at
        or coalesce(solved_at, as_of_at) > resolution_due_at as is_breached
    from timed

)

select * from final
