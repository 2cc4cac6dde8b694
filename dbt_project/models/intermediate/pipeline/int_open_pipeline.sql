{#
    The open pipeline as of the as-of date (KPI-DEFINITIONS.md, Pipeline): every current CRM
    opportunity that is not closed, with its account, client, owner, stage and amount in the
    reporting currency (converted at the as-of date's rate, int_opportunities_enriched). Every
    mart that reports an open pipeline reads it here, so that two marts never disagree on it.
    Grain: one row per crm_opportunity_id.
#}

with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

final as (

    select
        crm_opportunity_id,
        crm_account_id,
        client_id,
        segment,
        owner_crm_user_id,
        crm_stage,
        pipeline_stage,
        amount_reporting,
        probability,
        expected_close_date,
        created_at,
        as_of_date
    from opportunities
    where not is_closed

)

select * from final
