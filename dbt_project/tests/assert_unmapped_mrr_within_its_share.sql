-- Blocks the publication when the subscriptions whose customer has no master client carry
-- more of the as-of month's MRR than var unmapped_mrr_share_max. The failing row the gate
-- reports is the check: how many subscriptions, their MRR and share, their ids and the
-- files that explain them (the records are in intermediate.int_source_records_unmapped).
{{ config(severity='error') }}

select
    check_name,
    unmapped_records,
    unmapped_mrr,
    unmapped_mrr_share,
    unmapped_mrr_share_max,
    record_ids,
    explained_by
from {{ ref('rpt_referential_integrity') }}
where is_blocking
