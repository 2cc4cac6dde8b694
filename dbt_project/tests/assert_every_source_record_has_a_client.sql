-- Warns about every check that found source records pointing at a client master data does
-- not know, below the blocking share of MRR: they are counted, never silently dropped from
-- the KPIs. Failing rows: the check, its count and money, the record ids and the files that
-- explain them (the records are in intermediate.int_source_records_unmapped).
{{ config(severity='warn') }}

select
    check_name,
    unmapped_records,
    unmapped_mrr,
    unmapped_amount,
    record_ids,
    explained_by
from {{ ref('rpt_referential_integrity') }}
where unmapped_records > 0 and not coalesce(is_blocking, false)
order by unmapped_mrr desc, unmapped_amount desc nulls last, check_name
