{# The master-data run's table mdm.client_id_history (salesdw.mdm.state), as the marts read it. #}

select
    run_id,
    event,
    client_id,
    related_client_id,
    records,
    reason,
    recorded_at
from {{ source('mdm', 'client_id_history') }}
