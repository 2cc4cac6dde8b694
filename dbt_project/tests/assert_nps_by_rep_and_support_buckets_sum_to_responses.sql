-- As assert_nps_buckets_sum_to_responses, for NPS by owning rep and after a support failure:
-- promoters, passives and detractors add up to the responses, and NPS is between -100 and
-- 100 (rows returned are failures).
select
    'rpt_nps_by_rep' as mart,
    month,
    owner_crm_user_id as slice,
    responses,
    promoters,
    passives,
    detractors,
    nps
from {{ ref('rpt_nps_by_rep') }}
where
    promoters + passives + detractors <> responses
    or nps not between -100 and 100

union all

select
    'rpt_nps_after_support_failure' as mart,
    month,
    support_experience as slice,
    responses,
    promoters,
    passives,
    detractors,
    nps
from {{ ref('rpt_nps_after_support_failure') }}
where
    promoters + passives + detractors <> responses
    or nps not between -100 and 100
