-- Every raw reason of a lost opportunity, a disqualified lead or a refused quote is in the
-- lost_reasons seed for its kind of request: a new reason is a decision to make, not a loss
-- that silently falls out of rpt_lost_reasons. Reads staging, so it fails before the marts
-- are built. Rows returned are failures (kind, reason, how many requests carry it).
with reasons as (
    select
        'lost_opportunity' as request_kind,
        lost_reason as raw_reason
    from {{ ref('stg_crm__opportunities') }}
    where stage = 'Perdu' or (closed_at is not null and not coalesce(is_won, false))
    union all
    select
        'disqualified_lead' as request_kind,
        disqualification_reason as raw_reason
    from {{ ref('stg_crm__leads') }}
    where status = 'disqualified'
    union all
    select
        'refused_quote' as request_kind,
        refusal_reason as raw_reason
    from {{ ref('stg_erp__quotes') }}
    where status = 'refused'
)

select
    reasons.request_kind,
    reasons.raw_reason,
    count(*) as requests
from reasons
left join {{ ref('lost_reasons') }} as seed
    on reasons.request_kind = seed.request_kind and reasons.raw_reason = seed.raw_reason
where reasons.raw_reason is not null and seed.raw_reason is null
group by all
