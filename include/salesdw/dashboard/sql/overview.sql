-- The overview's headline figures, one row per month (the KPI and its history for the
-- sparkline). :segment is a segment or 'all'.

-- name: mrr
select month, closing_mrr as mrr, closing_arr as arr
from marts.rpt_mrr_monthly
where segment = :segment
order by month

-- name: retention
-- NRR and GRR over the default 12-month window; logo churn over one month
select
    r12.month,
    r12.nrr,
    r12.grr,
    r1.logo_churn_rate
from marts.rpt_retention as r12
left join marts.rpt_retention as r1
    on r1.month = r12.month and r1.window_months = 1
where r12.window_months = 12
order by r12.month

-- name: nps
select month, nps, responses
from marts.rpt_nps
where segment = :segment
order by month

-- name: cac
select
    acquisition.month,
    -- every segment: the overall CAC and LTV:CAC; one segment: its own CAC, and its own
    -- CLTV against it (rpt_cac_by_segment, rpt_ltv_by_segment)
    case when :segment = 'all' then acquisition.cac else segment_cac.cac end as cac,
    case when :segment = 'all' then acquisition.ltv_to_cac else ltv.ltv_to_cac end as ltv_to_cac
from marts.rpt_acquisition as acquisition
left join marts.rpt_ltv_by_segment as ltv
    on ltv.month = acquisition.month and ltv.segment = :segment
left join marts.rpt_cac_by_segment as segment_cac
    on
        segment_cac.month = acquisition.month
        and segment_cac.channel = 'all'
        and segment_cac.segment = :segment
where acquisition.channel = 'all'
order by acquisition.month
