-- Promoters, passives and detractors add up to the responses (rows returned are failures).
select *
from {{ ref('rpt_nps') }}
where promoters + passives + detractors <> responses
