-- GRR never exceeds 100% and NRR is never below GRR (rows returned here are failures).
select *
from {{ ref('rpt_retention') }}
where grr > 1 or nrr < grr
