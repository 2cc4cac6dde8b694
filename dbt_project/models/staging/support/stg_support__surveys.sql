with

source as (

    select * from {{ source('support', 'surveys') }}

),

latest as (

    select *
    from source
    -- the record with the latest responded_at wins: a re-sent or late row
    -- with an older responded_at never overwrites a newer one
    qualify row_number() over (
        partition by response_id
        order by responded_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(response_id), '') as support_response_id,
        nullif(trim(organization_id), '') as support_org_id,
        lower(trim(respondent_email)) as respondent_email,
        score,
        nullif(trim(comment), '') as comment,
        responded_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
