-- Every pipeline stage a deal can leave (not won or lost) has at least one exit criterion in
-- the stage_exit_criteria seed: a stage without one would count every exit as meeting its
-- criteria. Rows returned are failures.
with open_stages as (
    select distinct pipeline_stage from {{ ref('crm_stages') }}
    where not is_closed
)

select open_stages.pipeline_stage
from open_stages
left join {{ ref('stage_exit_criteria') }} as criteria
    on open_stages.pipeline_stage = criteria.pipeline_stage
where criteria.criterion is null
