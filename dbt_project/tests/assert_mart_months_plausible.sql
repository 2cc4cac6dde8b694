-- The monthly marts run from the first month of history to the as-of month. A month more
-- than `plausible_history_years` back, or after next year, means an implausible date got
-- through: one subscription starting in year 0001 made rpt_mrr_monthly 48,768 rows long.
-- One row per mart and offending month; the publication is blocked on any.
with

months as (
    select
        'fct_mrr' as mart,
        month
    from {{ ref('fct_mrr') }}
    union all
    select
        'rpt_mrr_monthly' as mart,
        month
    from {{ ref('rpt_mrr_monthly') }}
    union all
    select
        'rpt_retention' as mart,
        month
    from {{ ref('rpt_retention') }}
    union all
    select
        'rpt_cohort_retention' as mart,
        cohort_month as month
    from {{ ref('rpt_cohort_retention') }}
    union all
    select
        'rpt_nps' as mart,
        month
    from {{ ref('rpt_nps') }}
    union all
    select
        'rpt_acquisition' as mart,
        month
    from {{ ref('rpt_acquisition') }}
    union all
    select
        'rpt_pipeline_funnel' as mart,
        month
    from {{ ref('rpt_pipeline_funnel') }}
    union all
    select
        'rpt_forecast_accuracy' as mart,
        month
    from {{ ref('rpt_forecast_accuracy') }}
    union all
    select
        'fct_lost_requests' as mart,
        lost_month as month
    from {{ ref('fct_lost_requests') }}
    union all
    select
        'fct_support_tickets' as mart,
        created_month as month
    from {{ ref('fct_support_tickets') }}
    union all
    select
        'rpt_support_service' as mart,
        month
    from {{ ref('rpt_support_service') }}
)

select
    mart,
    month,
    count(*) as rows_in_month
from months
where
    month < current_date - to_years({{ var('plausible_history_years', 50) }})
    or month > current_date + interval 1 year
group by mart, month
