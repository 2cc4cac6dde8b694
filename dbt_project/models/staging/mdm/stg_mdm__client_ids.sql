{# The master-data run's table mdm.client_ids (salesdw.mdm.state), as the marts read it. #}

select
    client_id,
    status,
    anchor_record_key,
    created_in_run,
    retired_in_run,
    merged_into,
    retired_reason
from {{ source('mdm', 'client_ids') }}
