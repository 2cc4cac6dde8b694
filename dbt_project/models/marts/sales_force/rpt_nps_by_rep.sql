{#
    NPS per month and owning rep (KPI-DEFINITIONS.md, Satisfaction), from the responses NPS
    counts (fct_survey_responses: a contact's latest of the month), each in the month it was
    given and for the rep who owns its client now. `unowned`: clients with no CRM owner;
    `all`: every response.
#}

with

responses as (

    select * from {{ ref('fct_survey_responses') }}
    where is_counted_in_nps

),

owned as (

    select
        response_month as month,
        coalesce(owner_crm_user_id, 'unowned') as owner_crm_user_id,
        client_id,
        score_group,
        has_comment
    from responses

),

scored as (

    select
        month,
        coalesce(owner_crm_user_id, 'all') as owner_crm_user_id,
        count(*) as responses,
        count(*) filter (where score_group = 'promoter') as promoters,
        count(*) filter (where score_group = 'passive') as passives,
        count(*) filter (where score_group = 'detractor') as detractors,
        count(distinct client_id) as responding_clients,
        count(*) filter (where has_comment) as comments
    from owned
    group by grouping sets ((month), (month, owner_crm_user_id))

),

final as (

    select
        month,
        owner_crm_user_id,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps_score('promoters', 'detractors', 'responses') }}::double as nps,
        responding_clients,
        comments
    from scored

)

select * from final
