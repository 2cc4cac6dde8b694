{#
    Who owned each CRM account when, from every loaded version of the account (the raw
    layer keeps them all, with their updated_at): consecutive versions with the same owner
    make one period. The first period is taken to start at the account's creation (the first
    extract is a snapshot: an earlier owner, if any, is not in it). Grain: one row per account
    and owner period.
#}

with

versions as (

    select * from {{ ref('stg_crm__account_versions') }}

),

owner_changes as (

    select
        *,
        lag(owner_crm_user_id) over (
            partition by crm_account_id order by updated_at
        ) as previous_owner_crm_user_id,
        row_number() over (partition by crm_account_id order by updated_at) as version_number
    from versions

),

period_starts as (

    select
        crm_account_id,
        owner_crm_user_id,
        case
            when version_number = 1 then least(created_at, updated_at) else updated_at
        end as owned_from
    from owner_changes
    where
        version_number = 1
        or owner_crm_user_id is distinct from previous_owner_crm_user_id

),

final as (

    select
        crm_account_id,
        row_number() over by_account as period_number,
        owner_crm_user_id,
        owned_from,
        lead(owned_from) over by_account as owned_to
    from period_starts
    window by_account as (partition by crm_account_id order by owned_from)

)

select * from final
