with

source as (

    select * from {{ source('support', 'tickets') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by ticket_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(ticket_id), '') as support_ticket_id,
        nullif(trim(organization_id), '') as support_org_id,
        lower(trim(requester_email)) as requester_email,
        nullif(trim(subject), '') as subject,
        nullif(trim(category), '') as category,
        nullif(trim(priority), '') as priority,
        nullif(trim(channel), '') as channel,
        nullif(trim(status), '') as status,
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
