-- GRR is between 0 and 100% and NRR is never below GRR (rows returned here are failures).
select *
from {{ ref('rpt_retention') }}
where grr < 0 or grr > 1 or nrr < grr
