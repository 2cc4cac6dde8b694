with

source as (

    select * from {{ source('support', 'organizations') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by organization_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(organization_id), '') as support_org_id,
        nullif(trim(name), '') as name,
        domain_names,
        nullif(trim(external_id), '') as external_id,
        created_at,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
