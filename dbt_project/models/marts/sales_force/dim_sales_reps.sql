{#
    One row per CRM user (rep), with the ERP employee of the same e-mail: role, team, hire
    and leave dates, whether they have left, the accounts they own now (and how many of those
    are orphaned because they left), and ramp time (KPI-DEFINITIONS.md, Sales force and
    coverage): ramp_months = whole months from the hire date to the close of the rep's first
    won deal. Ramp is null for a rep hired before the CRM's first opportunity (their first
    deals are not in the data) and for a rep who has not won a deal yet.
#}

with

reps as (

    select * from {{ ref('int_sales_reps_joined') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

crm_start as (

    select min(created_at)::date as first_opportunity_date from opportunities

),

first_wins as (

    select
        owner_crm_user_id,
        min(closed_at) as first_won_at,
        count(*) as won_opportunities
    from opportunities
    where is_won and closed_at is not null
    group by owner_crm_user_id

),

owned_accounts as (

    select
        owner_crm_user_id,
        count(*) as accounts_owned
    from accounts
    group by owner_crm_user_id

),

final as (

    select
        reps.crm_user_id,
        reps.erp_employee_id,
        reps.full_name,
        reps.crm_role,
        reps.erp_role,
        reps.team,
        reps.hire_date,
        reps.leave_date,
        reps.left_on,
        reps.has_left,
        reps.is_active,
        reps.monthly_quota,
        coalesce(owned_accounts.accounts_owned, 0) as accounts_owned,
        case
            when reps.has_left then coalesce(owned_accounts.accounts_owned, 0) else 0
        end as orphaned_accounts,
        first_wins.first_won_at,
        coalesce(first_wins.won_opportunities, 0) as won_opportunities,
        case
            when reps.hire_date >= crm_start.first_opportunity_date
                then {{ date_difference('month', "reps.hire_date", "first_wins.first_won_at::date") }}
        end as ramp_months,
        reps.as_of_date
    from reps
    cross join crm_start
    left join first_wins
        on reps.crm_user_id = first_wins.owner_crm_user_id
    left join owned_accounts
        on reps.crm_user_id = owned_accounts.owner_crm_user_id

)

select * from final
