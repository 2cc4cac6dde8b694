{# The master-data run's table mdm.match_runs (salesdw.mdm.state), as the marts read it. #}

select
    run_id,
    started_at,
    finished_at,
    config_path,
    config_sha256,
    overrides_sha256,
    records,
    candidate_pairs,
    skipped_blocks,
    linked_pairs,
    clients,
    clients_created,
    clients_merged,
    clients_split,
    clients_restored,
    clients_emptied,
    records_moved,
    overrides_applied,
    overrides_not_applied
from {{ source('mdm', 'match_runs') }}
