-- Conversions, win rates, lost rates, SLA compliance and turnover are shares: between 0 and
-- 1 (rows returned are failures).
select 'funnel' as report, cast(month as {{ type_text() }}) as month
from {{ ref('rpt_pipeline_funnel') }}
where
    conversion_rate not between 0 and 1
    or win_rate_by_count not between 0 and 1
    or win_rate_by_amount not between 0 and 1
union all
select 'lost_reasons' as report, cast(month as {{ type_text() }}) as month
from {{ ref('rpt_lost_reasons') }}
where lost_rate not between 0 and 1 or share_of_losses not between 0 and 1
union all
select 'support' as report, cast(month as {{ type_text() }}) as month
from {{ ref('rpt_support_service') }}
where sla_compliance not between 0 and 1
union all
select 'qualification' as report, cast(month as {{ type_text() }}) as month
from {{ ref('rpt_qualification_quality') }}
where qualification_quality not between 0 and 1
