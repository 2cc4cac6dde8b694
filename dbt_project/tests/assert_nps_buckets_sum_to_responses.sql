-- Promoters, passives and detractors add up to the responses, and NPS is between -100 and
-- 100 (rows returned are failures).
select *
from {{ ref('rpt_nps') }}
where
    promoters + passives + detractors <> responses
    or nps not between -100 and 100
