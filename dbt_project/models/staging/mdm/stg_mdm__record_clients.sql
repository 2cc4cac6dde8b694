{# The master-data run's table mdm.record_clients (salesdw.mdm.state), as the marts read it. #}

select
    record_key,
    source_system,
    source_entity,
    source_id,
    client_id,
    link_rule,
    link_weight,
    is_unmatchable,
    first_seen_on,
    decided_in_run
from {{ source('mdm', 'record_clients') }}
