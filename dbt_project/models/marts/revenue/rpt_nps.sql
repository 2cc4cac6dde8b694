{#
    NPS per month and segment (segment `all` is every client): 100 x (promoters - detractors)
    / responses, promoters 9-10, passives 7-8, detractors 0-6 (KPI-DEFINITIONS.md). A contact
    is a person at one organisation (respondent e-mail and support organisation: a shared
    free-mail address answering for two organisations is two contacts); each counts once per
    month, with its latest response. Contacts are aggregated to the master client of their
    support organisation, then to the segment.
    response_rate = clients that responded / clients with MRR > 0 that month (the support
    desk exports responses, not the surveys sent, so clients are the base; documented choice).
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

    select
        client_id,
        coalesce(segment, 'unknown') as segment
    from {{ ref('dim_clients') }}

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

latest_per_contact as (

    select
        date_trunc('month', surveys.responded_at)::date as month,
        coalesce(surveys.respondent_email, surveys.support_response_id) as contact,
        surveys.support_org_id,
        surveys.score
    from surveys
    where surveys.score between 0 and 10 and surveys.responded_at is not null
    qualify row_number() over (
        partition by
            date_trunc('month', surveys.responded_at),
            coalesce(surveys.respondent_email, surveys.support_response_id),
            surveys.support_org_id
        order by surveys.responded_at desc, surveys.support_response_id desc
    ) = 1

),

responses as (

    select
        latest_per_contact.month,
        latest_per_contact.score,
        client_map.client_id,
        coalesce(clients.segment, 'unknown') as segment
    from latest_per_contact
    left join client_map
        on latest_per_contact.support_org_id = client_map.support_org_id
    left join clients
        on client_map.client_id = clients.client_id

),

active_clients as (

    select
        mrr.month,
        coalesce(clients.segment, 'unknown') as segment,
        mrr.client_id
    from mrr
    left join clients
        on mrr.client_id = clients.client_id
    where mrr.mrr > 0

),

active_counts as (

    select
        month,
        coalesce(segment, 'all') as segment,
        count(*) as active_clients
    from active_clients
    group by grouping sets ((month), (month, segment))

),

scored as (

    select
        month,
        coalesce(segment, 'all') as segment,
        count(*) as responses,
        count(*) filter (where score >= 9) as promoters,
        count(*) filter (where score between 7 and 8) as passives,
        count(*) filter (where score <= 6) as detractors,
        count(distinct client_id) as responding_clients
    from responses
    group by grouping sets ((month), (month, segment))

),

final as (

    select
        scored.month,
        scored.segment,
        scored.responses,
        scored.promoters,
        scored.passives,
        scored.detractors,
        round(100.0 * (scored.promoters - scored.detractors) / scored.responses, 1)::double as nps,
        scored.responding_clients,
        active_counts.active_clients,
        round(scored.responding_clients / active_counts.active_clients, 4)::double as response_rate
    from scored
    left join active_counts
        on
            scored.month = active_counts.month
            and scored.segment = active_counts.segment

)

select * from final
