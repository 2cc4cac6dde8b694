-- name: publications
select publication_id, status, attempted_at, published_at, data_from, data_to, checks_run,
    checks_failed_block, checks_failed_warn
from audit.publications
order by attempted_at desc
limit 20

-- name: failed_checks
select validated_at, stage, suite, expectation, column_name, severity, observed_value,
    unexpected_count, cast(unexpected_sample as varchar) as failing_rows
from audit.validation_results
where not success
order by validated_at desc
limit 200

-- name: failed_tests
select recorded_at, name, status, severity, failures, cast(failing_sample as varchar) as failing_rows
from audit.dbt_results
where status in ('fail', 'warn', 'error')
order by recorded_at desc
limit 200

-- name: quarantine
select source, entity, rule, count(*) as records
from audit.quarantine
where replayed_at is null
group by source, entity, rule
order by records desc

-- name: rejected_files
select extract_date, source, entity, file, status, message
from audit.ingestion_outcomes
where status not in ('loaded', 'duplicate')
order by extract_date desc, file

-- name: freshness
select source, entity, max(extract_date) as last_extract_date, max(finished_at) as last_loaded_at
from audit.ingestion_outcomes
where status = 'loaded'
group by source, entity
order by source, entity

-- name: integrity
select check_name, source_system, source_entity, references_entity, unmapped_records,
    unmapped_mrr, unmapped_amount, unmapped_mrr_share, is_blocking
from marts.rpt_referential_integrity
order by unmapped_records desc
