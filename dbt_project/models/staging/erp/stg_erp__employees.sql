with

source as (

    select * from {{ source('erp', 'employees') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by employee_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(employee_id), '') as erp_employee_id,
        nullif(trim(full_name), '') as full_name,
        lower(trim(email)) as email,
        nullif(trim(role), '') as role,
        nullif(trim(team), '') as team,
        hire_date,
        leave_date,
        monthly_quota,
        updated_at,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
