{{ config(severity='warn') }}
-- Every termination reason the ERP records on a cancelled subscription is in the
-- exit_reasons seed: the ERP's field is free text, so a new reason is a warning (the churn
-- counts in fct_client_churns as `unmapped`) and a line to add to the seed. Rows returned are
-- the unmapped reasons and how many subscriptions carry them.
select
    subscriptions.termination_reason,
    count(*) as subscriptions
from {{ ref('stg_erp__subscriptions') }} as subscriptions
left join {{ ref('exit_reasons') }} as seed
    on subscriptions.termination_reason = seed.raw_reason
where
    subscriptions.status = 'cancelled'
    and subscriptions.termination_reason is not null
    and seed.raw_reason is null
group by subscriptions.termination_reason
