with

source as (

    select * from {{ source('support', 'tickets') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('ticket_id', 'updated_at') }}

),

renamed as (

    select
        ticket_id as support_ticket_id,
        organization_id as support_org_id,
        lower(requester_email) as requester_email,
        subject,
        category,
        priority,
        channel,
        status,
        created_at,
        first_response_at,
        solved_at,
        sla_first_response_minutes,
        sla_resolution_minutes,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
