{#
    Every CRM user with the ERP employee record of the same e-mail (role, team, hire and
    leave dates), and when they left: the ERP leave date once it has passed, else the day the
    CRM deactivated them (left_on). has_left: left_on is known and on or before the as-of
    date (int_as_of). Grain: one row per crm_user_id.
#}

with

users as (

    select * from {{ ref('stg_crm__users') }}

),

employees as (

    select * from {{ ref('stg_erp__employees') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

joined as (

    select
        users.crm_user_id,
        employees.erp_employee_id,
        coalesce(users.full_name, employees.full_name) as full_name,
        users.role as crm_role,
        employees.role as erp_role,
        coalesce(employees.team, 'unknown') as team,
        employees.hire_date,
        employees.leave_date,
        coalesce(users.is_active, true) as is_active,
        case when not users.is_active then users.updated_at::date end as deactivated_on,
        employees.monthly_quota,
        as_of.as_of_date
    from users
    cross join as_of
    left join employees
        on users.email = employees.email
    -- one employee per user: the most recently updated record with that e-mail wins
    qualify row_number() over (
        partition by users.crm_user_id order by employees.updated_at desc nulls last
    ) = 1

),

final as (

    select
        *,
        case
            when leave_date <= as_of_date then leave_date
            else deactivated_on
        end as left_on,
        coalesce(leave_date <= as_of_date, false) or not is_active as has_left
    from joined

)

select * from final
