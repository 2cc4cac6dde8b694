{# The master-data run's table mdm.pair_evidence (salesdw.mdm.state), as the marts read it. #}

select
    run_id,
    left_record_key,
    right_record_key,
    attribute,
    level,
    weight,
    total_weight,
    rule,
    conflict,
    override_id,
    decision
from {{ source('mdm', 'pair_evidence') }}
