-- name: bridge
select
    month,
    opening_mrr,
    new_mrr,
    reactivation_mrr,
    expansion_mrr,
    contraction_mrr,
    churn_mrr,
    fx_mrr,
    closing_mrr
from marts.rpt_mrr_monthly
where segment = :segment and month between :month_from and :month_to
order by month

-- name: by_segment
select month, segment, closing_mrr
from marts.rpt_mrr_monthly
where segment <> 'all' and month between :month_from and :month_to
order by month, segment

-- name: cohorts
select cohort_month, months_since_start, cohort_clients, logo_retention, revenue_retention
from marts.rpt_cohort_retention
where cohort_month between :month_from and :month_to
order by cohort_month, months_since_start

-- name: churned
-- clients that churned or contracted in the period, biggest loss first
select
    mrr.month,
    mrr.client_id,
    clients.legal_name,
    clients.segment,
    mrr.category,
    mrr.previous_mrr,
    mrr.mrr,
    mrr.movement
from marts.fct_mrr as mrr
inner join marts.dim_clients as clients on clients.client_id = mrr.client_id
where
    mrr.category in ('churn', 'contraction')
    and mrr.month between :month_from and :month_to
    and (:segment = 'all' or clients.segment = :segment)
order by mrr.movement, mrr.month, mrr.client_id
