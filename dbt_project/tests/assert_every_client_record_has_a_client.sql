-- No client source record is dropped by master data: each one the intermediate layer holds
-- has a client in map_client_source_ids (rows returned here are failures).
select unioned.record_key
from {{ ref('int_client_records_unioned') }} as unioned
left join {{ ref('map_client_source_ids') }} as mapped
    on unioned.record_key = mapped.record_key
where mapped.record_key is null
