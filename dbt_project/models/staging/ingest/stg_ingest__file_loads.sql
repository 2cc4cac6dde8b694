with

source as (

    select * from {{ source('ingest', 'load_log') }}

),

renamed as (

    select
        batch_id,
        source as source_system,
        entity as source_entity,
        file,
        sha256,
        extract_date,
        status,
        rows_read,
        rows_loaded,
        rows_quarantined,
        message,
        dag_run_id,
        started_at,
        finished_at
    from source

)

select * from renamed
