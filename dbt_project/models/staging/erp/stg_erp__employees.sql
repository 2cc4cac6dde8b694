with

source as (

    select * from {{ source('erp', 'employees') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('employee_id', 'updated_at') }}

),

renamed as (

    select
        employee_id as erp_employee_id,
        full_name,
        lower(email) as email,
        role,
        team,
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
