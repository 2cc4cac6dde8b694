-- Every opportunity stage the CRM uses (in the current records, in every loaded version and
-- in the field history) is in the crm_stages seed: an unmapped stage would drop deals out of
-- the funnel. Rows returned are failures.
with used_stages as (
    select stage from {{ ref('stg_crm__opportunities') }}
    union
    select stage from {{ ref('stg_crm__opportunity_versions') }}
    union
    select old_value as stage from {{ ref('stg_crm__opportunity_history') }}
    where field = 'stage'
    union
    select new_value as stage from {{ ref('stg_crm__opportunity_history') }}
    where field = 'stage'
)

select used_stages.stage
from used_stages
left join {{ ref('crm_stages') }} as stages
    on used_stages.stage = stages.crm_stage
where used_stages.stage is not null and stages.crm_stage is null
