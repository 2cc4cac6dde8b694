{#
    What happened to client ids, run by run: `created`, `merged` (client_id retired into
    related_client_id), `split` (records of client_id moved to related_client_id), `restored`
    (a retired id whose anchor record stands apart again) and `emptied` (every source record
    deleted).
#}

with

history as (

    select * from {{ ref('stg_mdm__client_id_history') }}

),

final as (

    select
        run_id,
        recorded_at,
        event,
        client_id,
        related_client_id,
        records,
        reason
    from history

)

select * from final
