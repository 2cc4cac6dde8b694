with

source as (

    select * from {{ source('erp', 'plm_products') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('product_id', 'updated_at') }}

),

renamed as (

    select
        product_id as plm_product_id,
        product_name,
        family,
        lower(lifecycle_status) as lifecycle_status,
        version,
        launch_date,
        erp_product_id,
        updated_at,
        coalesce(is_deleted, false) as is_deleted,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
where not is_deleted
