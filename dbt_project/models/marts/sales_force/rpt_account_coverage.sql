{#
    Account coverage (KPI-DEFINITIONS.md, Sales force and coverage). Grain: one row per
    current CRM account, with its master client.
    - Orphaned: an owner who has left (ERP leave date passed, or inactive in the CRM) owned the
      account after leaving, for at least a day. orphaned_since = the later of the leave date
      and the start of that ownership (an account can even be opened under a rep who has
      already left); reassigned_at = when the next owner took it over (null while still
      orphaned); reassignment_lag_days = reassigned_at - orphaned_since in days; days_orphaned
      = to the reassignment, or to the as-of date. The latest orphaned spell of an account is
      the one reported. The warehouse knows owners from its first extract on: a spell that
      ended before it is not seen.
    - At risk, for accounts orphaned now: the client's MRR (dim_client_360's current MRR; a client
      with two CRM accounts shows it on both) and the account's current open pipeline
      (reporting currency; past-due deals apart, int_open_pipeline).
    - Knowledge captured: CRM activities and activities with notes in the 90 days to the
      as-of date, contacts reached in those 90 days, and known contacts.
#}

with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

periods as (

    select * from {{ ref('int_account_owner_periods') }}

),

reps as (

    select * from {{ ref('int_sales_reps_joined') }}

),

client_map as (

    select * from {{ ref('map_client_source_ids') }}
    where source_system = 'crm' and source_entity = 'accounts'

),

clients as (

    select * from {{ ref('dim_clients') }}

),

client_360 as (

    select * from {{ ref('dim_client_360') }}

),

open_deals as (

    select * from {{ ref('int_open_pipeline') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

orphaned_spells as (

    select
        periods.crm_account_id,
        periods.owner_crm_user_id as departed_owner_crm_user_id,
        reps.left_on as owner_left_on,
        greatest(reps.left_on, periods.owned_from::date) as orphaned_since,
        periods.owned_to as reassigned_at
    from periods
    inner join reps
        on periods.owner_crm_user_id = reps.crm_user_id
    where
        reps.has_left
        and reps.left_on is not null
        and (periods.owned_to is null or periods.owned_to::date > reps.left_on)
    -- an account orphaned twice: the latest spell is reported
    qualify row_number() over (
        partition by periods.crm_account_id order by periods.owned_from desc
    ) = 1

),

open_pipeline as (

    select
        crm_account_id,
        sum(pipeline_amount) as open_pipeline_amount,
        count(*) filter (where not is_past_due) as open_opportunities,
        sum(past_due_amount) as past_due_pipeline_amount
    from open_deals
    group by crm_account_id

),

knowledge as (

    select
        activities.crm_account_id,
        count(*) as activities_90_days,
        count(*) filter (where activities.notes is not null) as notes_90_days,
        count(distinct activities.crm_contact_id) as contacts_reached_90_days
    from activities
    cross join as_of
    where activities.occurred_at >= as_of.as_of_date - interval 89 day
    group by activities.crm_account_id

),

known_contacts as (

    select
        crm_account_id,
        count(*) as known_contacts
    from contacts
    group by crm_account_id

),

joined as (

    select
        accounts.crm_account_id,
        client_map.client_id,
        coalesce(clients.segment, accounts.segment, 'unknown') as segment,
        accounts.owner_crm_user_id,
        owners.full_name as owner_name,
        coalesce(not owners.has_left, false) as is_owner_active,
        orphaned_spells.crm_account_id is not null as was_orphaned,
        orphaned_spells.crm_account_id is not null
        and orphaned_spells.reassigned_at is null as is_orphaned,
        orphaned_spells.departed_owner_crm_user_id,
        orphaned_spells.owner_left_on,
        orphaned_spells.orphaned_since,
        orphaned_spells.reassigned_at,
        {{ date_difference('day', "orphaned_spells.orphaned_since", "orphaned_spells.reassigned_at::date") }}
            as reassignment_lag_days,
        {{ date_difference(
            'day',
            "orphaned_spells.orphaned_since",
            "coalesce(orphaned_spells.reassigned_at::date, as_of.as_of_date)"
        ) }} as days_orphaned,
        client_360.mrr as client_mrr,
        coalesce(open_pipeline.open_pipeline_amount, 0) as open_pipeline_amount,
        coalesce(open_pipeline.open_opportunities, 0) as open_opportunities,
        coalesce(open_pipeline.past_due_pipeline_amount, 0) as past_due_pipeline_amount,
        coalesce(knowledge.activities_90_days, 0) as activities_90_days,
        coalesce(knowledge.notes_90_days, 0) as notes_90_days,
        coalesce(knowledge.contacts_reached_90_days, 0) as contacts_reached_90_days,
        coalesce(known_contacts.known_contacts, 0) as known_contacts,
        as_of.as_of_date
    from accounts
    cross join as_of
    left join client_map
        on accounts.crm_account_id = client_map.source_id
    left join clients
        on client_map.client_id = clients.client_id
    left join reps as owners
        on accounts.owner_crm_user_id = owners.crm_user_id
    left join orphaned_spells
        on accounts.crm_account_id = orphaned_spells.crm_account_id
    left join client_360
        on client_map.client_id = client_360.client_id
    left join open_pipeline
        on accounts.crm_account_id = open_pipeline.crm_account_id
    left join knowledge
        on accounts.crm_account_id = knowledge.crm_account_id
    left join known_contacts
        on accounts.crm_account_id = known_contacts.crm_account_id

),

final as (

    select
        crm_account_id,
        client_id,
        segment,
        owner_crm_user_id,
        owner_name,
        is_owner_active,
        was_orphaned,
        is_orphaned,
        departed_owner_crm_user_id,
        owner_left_on,
        orphaned_since,
        reassigned_at,
        reassignment_lag_days,
        days_orphaned,
        (case when is_orphaned then coalesce(client_mrr, 0) else 0 end)::decimal(18, 2)
            as mrr_at_risk,
        (case when is_orphaned then open_pipeline_amount else 0 end)::decimal(18, 2)
            as open_pipeline_at_risk,
        (case when is_orphaned then past_due_pipeline_amount else 0 end)::decimal(18, 2)
            as past_due_pipeline_at_risk,
        open_opportunities,
        activities_90_days,
        notes_90_days,
        contacts_reached_90_days,
        known_contacts,
        as_of_date
    from joined

)

select * from final
