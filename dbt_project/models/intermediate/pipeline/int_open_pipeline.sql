{#
    The open pipeline as of the as-of date (KPI-DEFINITIONS.md, Pipeline): every current CRM
    opportunity that is not closed, with its account, client, owner, stage and amount in the
    reporting currency (converted at the as-of date's rate, int_opportunities_enriched). An
    open deal whose expected close date is before the as-of month's start is past due
    (macros/past_due.sql): it is not current pipeline (pipeline_amount and weighted_amount are
    0) and carries its age instead. Every mart that reports an open pipeline reads it here, so
    that two marts never disagree on it. Grain: one row per crm_opportunity_id.
#}

with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

dated as (

    select
        *,
        {{ is_past_due('expected_close_date', "date_trunc('month', as_of_date)") }}
            as is_past_due
    from opportunities
    where not is_closed

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
        is_past_due,
        case
            when is_past_due then {{ date_difference('day', "expected_close_date", "as_of_date") }}
        end as days_past_due,
        {{ past_due_age_band(
            "case when is_past_due then "
            ~ date_difference('day', 'expected_close_date', 'as_of_date') ~ " end"
        ) }} as past_due_age_band,
        cast(case when is_past_due then 0 else amount_reporting end as decimal(18, 2))
            as pipeline_amount,
        cast(case when is_past_due then 0 else amount_reporting * probability end as decimal(18, 4))
            as weighted_amount,
        cast(case when is_past_due then amount_reporting else 0 end as decimal(18, 2))
            as past_due_amount,
        as_of_date
    from dated

)

select * from final
