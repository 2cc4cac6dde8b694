-- No negative duration anywhere in the pipeline, sales-force and support marts: time in
-- stage, sales cycle (close - creation of won deals; Fivetran's Salesforce package appears to
-- invert its sign), days slipped, reassignment lag, days orphaned, response and resolution
-- times. Rows returned are failures.
select 'days_in_stage' as measure, crm_opportunity_id as id
from {{ ref('fct_opportunity_stage_visits') }}
where days_in_stage < 0
union all
select 'sales_cycle' as measure, crm_opportunity_id as id
from {{ ref('int_opportunities_enriched') }}
where is_won and closed_at < created_at
union all
select 'funnel_sales_cycle' as measure, cast(month as {{ type_text() }}) as id
from {{ ref('rpt_pipeline_funnel') }}
where median_sales_cycle_days < 0 or p90_sales_cycle_days < 0
union all
select 'days_slipped' as measure, crm_opportunity_id as id
from {{ ref('fct_slipped_deals') }}
where days_slipped < 0
union all
select 'reassignment_lag' as measure, crm_account_id as id
from {{ ref('rpt_account_coverage') }}
where reassignment_lag_days < 0 or days_orphaned < 0
union all
select 'ticket_times' as measure, support_ticket_id as id
from {{ ref('fct_support_tickets') }}
where first_response_minutes < 0 or resolution_minutes < 0
