-- The audit printout (audit.py), read from the audit schema of the published database.

-- name: recent_publications
-- $1: how many
select
    publication_id,
    status,
    serves_publication_id,
    attempted_at,
    checks_run,
    checks_failed_block,
    checks_failed_warn,
    dag_run_id,
    code_version
from audit.publications
order by attempted_at desc
limit $1;

-- name: recent_failed_checks
-- $1: how many
select
    validated_at,
    publication_id,
    suite,
    rule,
    severity,
    unexpected_count,
    observed_value
from audit.validation_results
where not success
order by validated_at desc
limit $1;

-- name: recent_dbt_failures
-- $1: how many
select
    recorded_at,
    dag_run_id,
    name,
    status,
    failures
from audit.dbt_results
where status in ('fail', 'error', 'warn')
order by recorded_at desc
limit $1;

-- name: publication
-- $1: the publication id
select
    status,
    serves_publication_id,
    attempted_at,
    published_at,
    dag_run_id,
    code_version,
    data_from,
    data_to,
    marts,
    checks_run,
    checks_failed_block,
    checks_failed_warn,
    location
from audit.publications
where publication_id = $1;

-- name: publication_checks
-- $1: the publication id
select
    suite,
    rule,
    severity,
    success,
    unexpected_count,
    observed_value
from audit.validation_results
where publication_id = $1
order by success asc, severity asc, suite asc, rule asc;

-- name: run_dbt_statuses
-- $1: the DAG run id
select
    status,
    count(*) as nodes
from audit.dbt_results
where dag_run_id = $1
group by status;

-- name: publication_sources
-- $1: the publication id; one row per source table: marts fed, files, extract dates
select
    lineage.source_table,
    count(distinct lineage.mart) as marts,
    count(distinct files.source_file) as files,
    min(files.extract_date) as first_extract,
    max(files.extract_date) as last_extract
from audit.publication_lineage as lineage
left join audit.publication_files as files
    on
        lineage.publication_id = files.publication_id
        and lineage.source_table = files.source_table
where lineage.publication_id = $1
group by lineage.source_table
order by lineage.source_table;
