{#
    The key accounts month by month (int_key_accounts: the top ARR clients and the
    steward's strategic accounts), over the var key_account_months months to the as-of
    month. Each month is read at its end, or at the end of the as-of day for the as-of
    month: what the warehouse knew of the account then. Definitions are in
    _sales_force__models.yml.
#}

with

key_accounts as (

    select * from {{ ref('int_key_accounts') }}

),

clients as (

    select * from {{ ref('dim_clients') }}

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

client_map as (

    select * from {{ ref('map_client_source_ids') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

surveys as (

    select * from {{ ref('stg_support__surveys') }}

),

owner_periods as (

    select * from {{ ref('int_account_owner_periods') }}

),

open_pipeline as (

    select * from {{ ref('int_open_pipeline') }}

),

contacts as (

    select * from {{ ref('dim_client_contacts') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

spine as (

    select
        key_accounts.client_id,
        {{ date_series_rows(
            "as_of.as_of_month + interval 1 month - interval "
            ~ var('key_account_months', 12) ~ " month",
            "as_of.as_of_month",
            "interval 1 month"
        ) }} as month
    from key_accounts
    cross join as_of

),

months as (

    -- a month is read at its end; the as-of month at the end of the as-of day
    select
        spine.client_id,
        spine.month,
        least(
            cast(spine.month + interval 1 month as timestamp), as_of.as_of_end_at
        ) as period_end_at,
        spine.month = as_of.as_of_month as is_as_of_month
    from spine
    cross join as_of

),

crm_accounts as (

    select
        source_id as crm_account_id,
        client_id
    from client_map
    where source_system = 'crm' and source_entity = 'accounts'

),

support_orgs as (

    select
        source_id as support_org_id,
        client_id
    from client_map
    where source_system = 'support' and source_entity = 'organizations'

),

client_activities as (

    select
        crm_accounts.client_id,
        activities.activity_type,
        activities.occurred_at,
        nullif(trim(activities.notes), '') is not null as has_notes
    from activities
    inner join crm_accounts
        on activities.crm_account_id = crm_accounts.crm_account_id

),

activity_months as (

    -- notes: the 90 days to the period's last day, as rpt_account_coverage counts them
    select
        months.client_id,
        months.month,
        cast(max(case
            when client_activities.activity_type = 'meeting' then client_activities.occurred_at
        end) as date) as last_meeting_date,
        count(case
            when
                client_activities.has_notes
                and client_activities.occurred_at
                >= months.period_end_at - interval 90 day
                then 1
        end) as notes_90_days
    from months
    inner join client_activities
        on
            months.client_id = client_activities.client_id
            and months.period_end_at > client_activities.occurred_at
    group by months.client_id, months.month

),

ticket_months as (

    select
        months.client_id,
        months.month,
        count(case
            when tickets.solved_at is null or tickets.solved_at >= months.period_end_at then 1
        end) as open_tickets,
        count(case
            when tickets.created_month = months.month and tickets.is_breached then 1
        end) as sla_breaches
    from months
    inner join tickets
        on
            months.client_id = tickets.client_id
            and months.period_end_at > tickets.created_at
    group by months.client_id, months.month

),

nps_months as (

    select
        months.client_id,
        months.month,
        surveys.score as latest_nps_score,
        surveys.responded_at as latest_nps_at
    from months
    inner join support_orgs
        on months.client_id = support_orgs.client_id
    inner join surveys
        on
            support_orgs.support_org_id = surveys.support_org_id
            and months.period_end_at > surveys.responded_at
    where surveys.score is not null
    -- the latest answer by the period's end; the larger id breaks a tie
    qualify row_number() over (
        partition by months.client_id, months.month
        order by surveys.responded_at desc, surveys.support_response_id desc
    ) = 1

),

owner_months as (

    select
        months.client_id,
        months.month,
        count(distinct owner_periods.owner_crm_user_id) as owners_to_date
    from months
    inner join crm_accounts
        on months.client_id = crm_accounts.client_id
    inner join owner_periods
        on
            crm_accounts.crm_account_id = owner_periods.crm_account_id
            and months.period_end_at > owner_periods.owned_from
    group by months.client_id, months.month

),

pipeline as (

    select
        client_id,
        sum(pipeline_amount) as open_pipeline_amount,
        count(case when not is_past_due then 1 end) as open_opportunities
    from open_pipeline
    where client_id is not null
    group by client_id

),

decision_makers as (

    select
        client_id,
        count(*) as decision_maker_contacts
    from contacts
    where is_decision_maker
    group by client_id

),

final as (

    select
        months.client_id,
        months.month,
        clients.legal_name,
        clients.owner_crm_user_id,
        key_accounts.arr_rank,
        key_accounts.is_top_arr,
        key_accounts.is_strategic,
        key_accounts.strategic_reason,
        cast(coalesce(mrr.mrr, 0) as decimal(18, 2)) as mrr,
        cast(coalesce(mrr.arr, 0) as decimal(18, 2)) as arr,
        cast(coalesce(mrr.mrr, 0) - coalesce(mrr.previous_mrr, 0) as decimal(18, 2))
            as mrr_change,
        mrr.category as mrr_category,
        case
            when months.is_as_of_month
                then cast(coalesce(pipeline.open_pipeline_amount, 0) as decimal(18, 2))
        end as open_pipeline_amount,
        case
            when months.is_as_of_month then cast(coalesce(pipeline.open_opportunities, 0) as bigint)
        end as open_opportunities,
        activity_months.last_meeting_date,
        {{ date_difference(
            'day',
            "activity_months.last_meeting_date",
            "cast(months.period_end_at - interval 1 day as date)"
        ) }} as days_since_last_meeting,
        cast(coalesce(ticket_months.open_tickets, 0) as bigint) as open_tickets,
        cast(coalesce(ticket_months.sla_breaches, 0) as bigint) as sla_breaches,
        cast(nps_months.latest_nps_score as bigint) as latest_nps_score,
        nps_months.latest_nps_at,
        cast(coalesce(owner_months.owners_to_date, 0) as bigint) as owners_to_date,
        cast(coalesce(decision_makers.decision_maker_contacts, 0) as bigint)
            as decision_maker_contacts,
        cast(coalesce(activity_months.notes_90_days, 0) as bigint) as notes_90_days,
        coalesce(decision_makers.decision_maker_contacts, 0) > 0
        and coalesce(activity_months.notes_90_days, 0) > 0 as is_knowledge_captured,
        months.is_as_of_month,
        as_of.as_of_date
    from months
    cross join as_of
    inner join key_accounts
        on months.client_id = key_accounts.client_id
    left join clients
        on months.client_id = clients.client_id
    left join mrr
        on
            months.client_id = mrr.client_id
            and months.month = mrr.month
    left join activity_months
        on
            months.client_id = activity_months.client_id
            and months.month = activity_months.month
    left join ticket_months
        on
            months.client_id = ticket_months.client_id
            and months.month = ticket_months.month
    left join nps_months
        on
            months.client_id = nps_months.client_id
            and months.month = nps_months.month
    left join owner_months
        on
            months.client_id = owner_months.client_id
            and months.month = owner_months.month
    left join pipeline
        on months.client_id = pipeline.client_id
    left join decision_makers
        on months.client_id = decision_makers.client_id

)

select * from final
