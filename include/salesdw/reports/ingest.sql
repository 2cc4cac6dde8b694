-- The ingestion report (ingest.py): what the loads of a range of extract dates did.
-- Every query takes the range as two parameters: first and last extract date.

-- name: rows_loaded
select
    source,
    entity,
    sum(rows_loaded) as rows_loaded
from raw.load_log
where status = 'loaded' and extract_date between $1 and $2
group by all;

-- name: quarantined_by_rule
-- a row breaking two rules counts under both
select
    rule,
    count(*) as rows_quarantined
from (
    select distinct
        rule,
        file,
        line_number
    from raw.quarantine
    where extract_date between $1 and $2
) as broken_rows
group by rule
order by rule;

-- name: rows_quarantined
select count(*) as rows_quarantined
from (
    select distinct
        file,
        line_number
    from raw.quarantine
    where extract_date between $1 and $2
) as distinct_rows;

-- name: rejected
-- files rejected and not loaded since (a retry that loaded the same bytes clears them),
-- once per file and message over the range
select distinct
    rejected.file,
    rejected.message
from raw.load_log as rejected
where
    rejected.status = 'rejected'
    and rejected.extract_date between $1 and $2
    and not exists (
        select 1
        from raw.load_log as loaded
        where
            loaded.status = 'loaded'
            and loaded.source = rejected.source
            and loaded.entity = rejected.entity
            and loaded.sha256 = rejected.sha256
            and loaded.started_at >= rejected.started_at
    )
order by rejected.file;

-- name: refused
-- paths that resolve outside the landing area, once per path and reason over the range
select distinct
    file,
    message
from raw.load_log
where status = 'refused' and extract_date between $1 and $2
order by file;

-- name: ignored
-- folders that are not extract dates, file types the contract does not allow
select distinct
    file,
    message
from raw.load_log
where status = 'ignored' and extract_date between $1 and $2
order by file;

-- name: duplicates
select
    file,
    message
from raw.load_log
where status = 'duplicate' and extract_date between $1 and $2
order by file;

-- name: drift
select
    source || '__' || entity as entity,
    column_name
from raw.schema_drift
where extract_date between $1 and $2
order by entity, column_name;

-- name: entity_days_seen
select count(*) as entity_days
from (
    select distinct
        source,
        entity,
        extract_date
    from raw.load_log
    where extract_date between $1 and $2
) as distinct_rows;

-- name: files_seen
select count(*)
from raw.load_log
where extract_date between ? and ?;

-- name: version_ties
-- keys with two rows or more of the same version and different values, found by loads
-- of the range (raw.version_ties)
select
    count(*) as keys_tied,
    coalesce(sum(rows), 0) as rows_tied
from raw.version_ties
where extract_date between ? and ?;
