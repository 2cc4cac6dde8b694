{#
    NPS per month and segment (segment `all` is every client): 100 x (promoters - detractors)
    / responses, promoters 9-10, passives 7-8, detractors 0-6 (KPI-DEFINITIONS.md). A contact
    is a person at one organisation (respondent e-mail and support organisation: a shared
    free-mail address answering for two organisations is two contacts); each counts once per
    month, with its latest response (fct_survey_responses.is_counted_in_nps, the one place
    that rule is applied). Contacts are aggregated to the master client of their support
    organisation, then to the segment.
    response_rate = clients that responded / clients with MRR > 0 that month (the support
    desk exports responses, not the surveys sent, so clients are the base; documented choice).
#}

with

counted as (

    select * from {{ ref('fct_survey_responses') }}
    where is_counted_in_nps

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

responses as (

    select
        counted.response_month as month,
        counted.score,
        counted.client_id,
        coalesce(clients.segment, 'unknown') as segment
    from counted
    left join clients
        on counted.client_id = clients.client_id

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
