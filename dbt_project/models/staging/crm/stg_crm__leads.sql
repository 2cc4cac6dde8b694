with

source as (

    select * from {{ source('crm', 'leads') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('lead_id', 'updated_at') }}

),

renamed as (

    select
        lead_id as crm_lead_id,
        company_name,
        lower(email) as email,
        source_channel,
        status,
        disqualification_reason,
        disqualification_detail,
        converted_opportunity_id as converted_crm_opportunity_id,
        owner_id as owner_crm_user_id,
        nullif(trim(job_title), '') as job_title,
        nullif(trim(campaign), '') as campaign,
        created_at,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
