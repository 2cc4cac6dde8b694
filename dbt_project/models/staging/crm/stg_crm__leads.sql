with

source as (

    select * from {{ source('crm', 'leads') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by lead_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(lead_id), '') as crm_lead_id,
        nullif(trim(company_name), '') as company_name,
        lower(trim(email)) as email,
        nullif(trim(source_channel), '') as source_channel,
        nullif(trim(status), '') as status,
        nullif(trim(disqualification_reason), '') as disqualification_reason,
        nullif(trim(disqualification_detail), '') as disqualification_detail,
        nullif(trim(converted_opportunity_id), '') as converted_crm_opportunity_id,
        nullif(trim(owner_id), '') as owner_crm_user_id,
        created_at,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
