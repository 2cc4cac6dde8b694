-- The MRR bridge holds every month and segment: closing = opening + every movement + the FX
-- effect, and a month opens where the one before closed (rows returned here are failures).
with bridge as (
    select * from {{ ref('rpt_mrr_monthly') }}
)

select
    month,
    segment,
    opening_mrr,
    closing_mrr,
    lag(closing_mrr) over (partition by segment order by month) as previous_closing
from bridge
qualify
    closing_mrr <> opening_mrr + new_mrr + reactivation_mrr + expansion_mrr
    + contraction_mrr + churn_mrr + fx_mrr
    or (
        lag(month) over (partition by segment order by month) = month - interval 1 month
        and opening_mrr <> lag(closing_mrr) over (partition by segment order by month)
    )
