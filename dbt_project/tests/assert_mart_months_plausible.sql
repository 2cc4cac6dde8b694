-- The monthly marts run from the first month of history to the as-of month. A month more
-- than `plausible_history_years` back, or after next year, means an implausible date got
-- through: one subscription starting in year 0001 made rpt_mrr_monthly 48,768 rows long.
-- One row per mart and offending month; the publication is blocked on any.
{%- set monthly_marts = [
    ('fct_mrr', 'month'),
    ('rpt_mrr_monthly', 'month'),
    ('rpt_retention', 'month'),
    ('rpt_cohort_retention', 'cohort_month'),
    ('rpt_nps', 'month'),
    ('rpt_acquisition', 'month'),
    ('rpt_pipeline_funnel', 'month'),
    ('rpt_forecast_accuracy', 'month'),
    ('fct_lost_requests', 'lost_month'),
    ('fct_support_tickets', 'created_month'),
    ('rpt_support_service', 'month'),
] %}

with

months as (
    {%- for mart, column in monthly_marts %}
        select
            '{{ mart }}' as mart,
            {{ column }} as month
        from {{ ref(mart) }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
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
