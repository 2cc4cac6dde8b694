{#
    How each deal moved through the forecast categories, and the late-stage surprises
    (KPI-DEFINITIONS.md has no entry; docs/kpis.md defines them):
    - ups and downs count the moves between open categories (fct_forecast_category_changes);
      a yo-yo deal has at least one of each;
    - was_committed: the deal was in `commit` at some point the warehouse knows, before it
      closed (its first known category or a later one);
    - lost_from_pipeline_stage: the pipeline stage a lost deal was in just before it was
      lost (the reconciled stage history; null when the deal was lost before its first
      known stage);
    - a late-stage surprise is a lost deal, lost from negotiation/closing, that was
      committed: the deals the forecast counted on and lost at the table.

    Grain: one row per opportunity with a known forecast category.
#}

with

category_changes as (

    select * from {{ ref('int_opportunity_changes_reconciled') }}
    where field = 'forecast_category'

),

moves as (

    select * from {{ ref('fct_forecast_category_changes') }}

),

stage_changes as (

    select * from {{ ref('int_opportunity_changes_reconciled') }}
    where field = 'stage'

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

stages as (

    select * from {{ ref('crm_stages') }}

),

paths as (

    select
        crm_opportunity_id,
        max(case when change_number = 0 then new_value end) as first_known_category,
        max(case when change_number = 0 then changed_at end) as first_known_at,
        bool_or(new_value = 'commit') as was_committed
    from category_changes
    group by crm_opportunity_id

),

move_counts as (

    select
        crm_opportunity_id,
        count(*) as category_changes,
        count(case when direction = 'up' then 1 end) as ups,
        count(case when direction = 'down' then 1 end) as downs
    from moves
    group by crm_opportunity_id

),

losses as (

    -- the last move into the lost stage, and the pipeline stage it came from
    select
        stage_changes.crm_opportunity_id,
        from_stage.pipeline_stage as lost_from_pipeline_stage,
        row_number() over (
            partition by stage_changes.crm_opportunity_id
            order by stage_changes.change_number desc
        ) as loss_number
    from stage_changes
    inner join stages as to_stage
        on stage_changes.new_value = to_stage.crm_stage
    left join stages as from_stage
        on stage_changes.old_value = from_stage.crm_stage
    where to_stage.pipeline_stage = 'lost'

),

final as (

    select
        paths.crm_opportunity_id,
        opportunities.client_id,
        opportunities.segment,
        opportunities.owner_crm_user_id,
        paths.first_known_category,
        paths.first_known_at,
        opportunities.forecast_category as current_category,
        cast(coalesce(move_counts.category_changes, 0) as bigint) as category_changes,
        cast(coalesce(move_counts.ups, 0) as bigint) as ups,
        cast(coalesce(move_counts.downs, 0) as bigint) as downs,
        coalesce(move_counts.ups, 0) > 0 and coalesce(move_counts.downs, 0) > 0 as is_yo_yo,
        paths.was_committed,
        case
            when opportunities.is_won then 'won'
            when opportunities.is_lost then 'lost'
            else 'open'
        end as outcome,
        case
            when opportunities.is_lost then losses.lost_from_pipeline_stage
        end as lost_from_pipeline_stage,
        coalesce(
            opportunities.is_lost
            and losses.lost_from_pipeline_stage = 'negotiation_closing'
            and paths.was_committed,
            false
        ) as is_late_stage_surprise,
        opportunities.closed_at,
        cast(date_trunc('month', opportunities.closed_at) as date) as closed_month,
        opportunities.amount_reporting,
        opportunities.as_of_date
    from paths
    inner join opportunities
        on paths.crm_opportunity_id = opportunities.crm_opportunity_id
    left join move_counts
        on paths.crm_opportunity_id = move_counts.crm_opportunity_id
    left join losses
        on
            paths.crm_opportunity_id = losses.crm_opportunity_id
            and losses.loss_number = 1

)

select * from final
