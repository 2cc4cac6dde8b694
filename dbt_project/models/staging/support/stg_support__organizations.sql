with

source as (

    select * from {{ source('support', 'organizations') }}

),

latest as (

    select
        *,
        -- the first extract that carried the record: data, not load time
        min(_extract_date) over (partition by organization_id) as first_extract_date
    from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('organization_id', 'updated_at') }}

),

renamed as (

    select
        organization_id as support_org_id,
        name,
        domain_names,
        external_id,
        created_at,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date,
        first_extract_date
    from latest

)

select * from renamed
