{#
    The latest CRM activities (calls, meetings, e-mails, notes) of each master client, at
    most var client_recent_activities of them: the client page's "last notes". An
    activity's client is its CRM account's (map_client_source_ids).
#}

with

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

client_map as (

    select * from {{ ref('map_client_source_ids') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

crm_accounts as (

    select
        source_id as crm_account_id,
        client_id
    from client_map
    where source_system = 'crm' and source_entity = 'accounts'

),

ranked as (

    select
        activities.crm_activity_id,
        crm_accounts.client_id,
        activities.crm_account_id,
        activities.occurred_at,
        activities.occurred_at::date as activity_date,
        activities.activity_type,
        activities.owner_crm_user_id,
        activities.crm_contact_id,
        activities.subject,
        nullif(trim(activities.notes), '') as notes,
        -- the newest first; the larger id breaks a tie so every build ranks alike
        row_number() over (
            partition by crm_accounts.client_id
            order by activities.occurred_at desc, activities.crm_activity_id desc
        ) as recency_rank
    from activities
    inner join crm_accounts
        on activities.crm_account_id = crm_accounts.crm_account_id

),

final as (

    select
        ranked.crm_activity_id,
        ranked.client_id,
        ranked.crm_account_id,
        ranked.occurred_at,
        ranked.activity_date,
        ranked.activity_type,
        ranked.owner_crm_user_id,
        authors.full_name as author_name,
        ranked.crm_contact_id,
        nullif(trim(concat_ws(' ', contacts.first_name, contacts.last_name)), '') as contact_name,
        ranked.subject,
        ranked.notes,
        ranked.recency_rank
    from ranked
    left join users as authors
        on ranked.owner_crm_user_id = authors.crm_user_id
    left join contacts
        on ranked.crm_contact_id = contacts.crm_contact_id
    where ranked.recency_rank <= {{ var('client_recent_activities', 20) }}

)

select * from final
