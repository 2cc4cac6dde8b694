-- name: by_reason
select month, segment, reason_group, lost_requests, closed_requests, lost_rate,
    share_of_losses, is_recurring_motif
from marts.rpt_lost_reasons
where segment = :segment and month between :month_from and :month_to
order by month, reason_group

-- name: cases
-- the period's significant cases: the biggest amounts lost, with the rep's own words
select
    lost_at,
    request_kind,
    request_id,
    client_id,
    segment,
    owner_crm_user_id,
    reason_group,
    raw_reason,
    reason_detail,
    competitor,
    amount_reporting
from marts.fct_lost_requests
where
    lost_month between :month_from and :month_to
    and (:segment = 'all' or segment = :segment)
    and (:rep = 'all' or owner_crm_user_id = :rep)
order by amount_reporting desc nulls last, lost_at desc
limit 50

-- name: qualification
select
    owner_crm_user_id,
    sum(lost_requests) as lost_requests,
    sum(with_mapped_reason) as with_mapped_reason,
    sum(well_qualified) as well_qualified
from marts.rpt_qualification_quality
where
    month between :month_from and :month_to
    and (:rep = 'all' or owner_crm_user_id = :rep)
group by owner_crm_user_id
order by owner_crm_user_id
