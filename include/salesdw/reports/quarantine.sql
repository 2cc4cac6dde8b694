-- The quarantine printout (quarantine.py): every quarantined value, newest extract first.

-- name: quarantined_values
select
    file,
    line_number as line,
    column_name as "column",
    rule,
    value,
    replayed_at is not null as replayed
from raw.quarantine
order by extract_date desc, file asc, line_number asc, column_name asc;

-- name: published_quarantined_values
select
    file,
    line_number as line,
    column_name as "column",
    rule,
    value,
    replayed_at is not null as replayed
from audit.quarantine
order by extract_date desc, file asc, line_number asc, column_name asc;
