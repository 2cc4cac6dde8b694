{#
    Every survey response with its master client, the rep who owns that client now (the
    golden record's owner, as the access model's rows), the NPS group of its score, whether
    NPS counts it (the contact's latest response of the month: KPI-DEFINITIONS.md,
    Satisfaction; a contact is an e-mail at one support organisation) and whether it follows
    a support failure: a ticket of the same client missed an SLA target (fct_support_tickets)
    whose deadline lies in the var support_failure_window_days days before the response.
    The comment is free text a person wrote: personal data, masked like one.
#}

with

surveys as (

    select * from {{ ref('stg_support__surveys') }}

),

client_map as (

    select
        source_id as support_org_id,
        client_id
    from {{ ref('map_client_source_ids') }}
    where source_system = 'support' and source_entity = 'organizations'

),

clients as (

    select * from {{ ref('dim_clients') }}

),

tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

responses as (

    select
        surveys.support_response_id,
        client_map.client_id,
        surveys.support_org_id,
        clients.owner_crm_user_id,
        surveys.responded_at,
        date_trunc('month', surveys.responded_at)::date as response_month,
        surveys.score,
        nullif(trim(surveys.comment), '') as comment,
        coalesce(surveys.respondent_email, surveys.support_response_id) as contact
    from surveys
    left join client_map
        on surveys.support_org_id = client_map.support_org_id
    left join clients
        on client_map.client_id = clients.client_id

),

counted as (

    select
        support_response_id,
        score between 0 and 10 and responded_at is not null
        -- a contact's latest answer of the month is the one NPS counts
        and row_number() over (
            partition by response_month, contact, support_org_id
            order by
                case when score between 0 and 10 then 0 else 1 end,
                responded_at desc,
                support_response_id desc
        ) = 1 as is_counted_in_nps
    from responses

),

failures as (

    select
        support_ticket_id,
        client_id,
        first_response_due_at as failed_at
    from tickets
    where is_first_response_decided and not coalesce(is_first_response_met, false)

    union all

    select
        support_ticket_id,
        client_id,
        resolution_due_at as failed_at
    from tickets
    where is_resolution_decided and not coalesce(is_resolution_met, false)

),

failures_before as (

    select
        responses.support_response_id,
        count(*) as support_failures,
        {{ max_by('failures.support_ticket_id', 'failures.failed_at') }} as last_failed_ticket_id
    from responses
    inner join failures
        on
            responses.client_id = failures.client_id
            and responses.responded_at >= failures.failed_at
            and responses.responded_at - interval {{ var('support_failure_window_days') }} day
            < failures.failed_at
    group by responses.support_response_id

),

final as (

    select
        responses.support_response_id,
        responses.client_id,
        responses.support_org_id,
        responses.owner_crm_user_id,
        responses.responded_at,
        responses.response_month,
        responses.score,
        case
            when responses.score between 9 and 10 then 'promoter'
            when responses.score between 7 and 8 then 'passive'
            when responses.score between 0 and 6 then 'detractor'
        end as score_group,
        counted.is_counted_in_nps,
        failures_before.support_response_id is not null as follows_support_failure,
        coalesce(failures_before.support_failures, 0) as support_failures,
        failures_before.last_failed_ticket_id,
        responses.comment is not null as has_comment,
        responses.comment
    from responses
    inner join counted
        on responses.support_response_id = counted.support_response_id
    left join failures_before
        on responses.support_response_id = failures_before.support_response_id

)

select * from final
