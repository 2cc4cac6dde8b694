{#
    Every change of an opportunity's forecast category (pipeline, best case, commit, closed,
    omitted), from the reconciled history (int_opportunity_changes_reconciled): the CRM's
    field history where it tracks the category, else the warehouse's dated versions. Changes
    before the first extract are known only from the CRM's field history.

    direction ranks the open categories omitted < pipeline < best_case < commit:
    - `up` / `down`: between two open categories;
    - `closed`: into closed (won or lost);
    - `reopened`: out of closed, into an open category.

    Grain: one row per opportunity and change (change_number from 1; the first known value
    is rpt_forecast_category_paths.first_known_category).
#}

with

changes as (

    select * from {{ ref('int_opportunity_changes_reconciled') }}
    where field = 'forecast_category' and change_number > 0

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

ranked as (

    select
        *,
        case old_value
            when 'omitted' then 0 when 'pipeline' then 1 when 'best_case' then 2
            when 'commit' then 3
        end as old_rank,
        case new_value
            when 'omitted' then 0 when 'pipeline' then 1 when 'best_case' then 2
            when 'commit' then 3
        end as new_rank
    from changes

),

final as (

    select
        ranked.crm_opportunity_id,
        opportunities.client_id,
        opportunities.segment,
        opportunities.owner_crm_user_id,
        cast(ranked.change_number as bigint) as change_number,
        ranked.old_value as old_category,
        ranked.new_value as new_category,
        case
            when ranked.new_value = 'closed' then 'closed'
            when ranked.old_value = 'closed' then 'reopened'
            when ranked.new_rank > ranked.old_rank then 'up'
            when ranked.new_rank < ranked.old_rank then 'down'
        end as direction,
        ranked.changed_at,
        cast(date_trunc('month', ranked.changed_at) as date) as change_month,
        ranked.is_time_known,
        ranked.recorded_by
    from ranked
    inner join opportunities
        on ranked.crm_opportunity_id = opportunities.crm_opportunity_id

)

select * from final
