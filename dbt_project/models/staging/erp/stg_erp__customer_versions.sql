{#
    Every loaded version of every ERP customer (the raw layer keeps them all, with their
    updated_at): what the customer's name and address were when. Grain: one row per
    customer and updated_at (a version loaded twice collapses into one row: the latest load
    wins).
#}

with

source as (

    select * from {{ source('erp', 'customers') }}
    where updated_at is not null

),

versions as (

    select * from source
    -- the same version loaded twice (re-delivery, a later file): the latest load wins
    {{ latest_version(['customer_id', 'updated_at']) }}

),

renamed as (

    select
        customer_id as erp_customer_id,
        updated_at,
        company_name,
        address,
        postal_code,
        city,
        upper(country) as country,
        coalesce(is_deleted, false) as is_deleted,
        _extract_date
    from versions

)

select * from renamed
