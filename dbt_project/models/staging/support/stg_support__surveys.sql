with

source as (

    select * from {{ source('support', 'surveys') }}

),

latest as (

    select * from source
    -- the latest responded_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('response_id', 'responded_at') }}

),

renamed as (

    select
        response_id as support_response_id,
        organization_id as support_org_id,
        lower(respondent_email) as respondent_email,
        score,
        comment,
        responded_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
