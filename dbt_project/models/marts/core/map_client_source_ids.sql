{#
    Every client source record with its master client: which rule or score linked it, and
    the master-data run that decided it. Records that hold no usable name nor identifier are
    their own client, flagged is_unmatchable: no record is ever left out.
#}

with

record_clients as (

    select * from {{ ref('stg_mdm__record_clients') }}

),

runs as (

    select * from {{ ref('stg_mdm__match_runs') }}

),

final as (

    select
        record_clients.source_system,
        record_clients.source_entity,
        record_clients.source_id,
        record_clients.record_key,
        record_clients.client_id,
        record_clients.link_rule,
        record_clients.link_weight,
        record_clients.is_unmatchable,
        record_clients.first_seen_on,
        record_clients.decided_in_run,
        runs.finished_at as decided_at,
        runs.config_sha256 as decided_with_config_sha256
    from record_clients
    inner join runs
        on record_clients.decided_in_run = runs.run_id

)

select * from final
