{#
    NPS per month of the responses that follow a support failure and of the others
    (fct_survey_responses.follows_support_failure), from the responses NPS counts (a
    contact's latest of the month). support_experience: after_failure, no_failure, all.
#}

with

responses as (

    select * from {{ ref('fct_survey_responses') }}
    where is_counted_in_nps

),

labelled as (

    select
        response_month as month,
        case
            when follows_support_failure then 'after_failure' else 'no_failure'
        end as support_experience,
        client_id,
        score_group,
        has_comment
    from responses

),

scored as (

    select
        month,
        coalesce(support_experience, 'all') as support_experience,
        count(*) as responses,
        count(*) filter (where score_group = 'promoter') as promoters,
        count(*) filter (where score_group = 'passive') as passives,
        count(*) filter (where score_group = 'detractor') as detractors,
        count(distinct client_id) as responding_clients,
        count(*) filter (where has_comment) as comments
    from labelled
    group by grouping sets ((month), (month, support_experience))

),

final as (

    select
        month,
        support_experience,
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
