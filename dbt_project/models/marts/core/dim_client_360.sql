{#
    One row per master client: the golden record's name, segment and owner, with what sales
    and customer success look at first. As of the warehouse's as-of date (int_as_of). The health score and its formula are documented in
    _core__models.yml and unit-tested.
#}

with

clients as (

    select * from {{ ref('dim_clients') }}

),

client_map as (

    select * from {{ ref('map_client_source_ids') }}

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

surveys as (

    select * from {{ ref('stg_support__surveys') }}

),

open_pipeline as (

    select * from {{ ref('int_open_pipeline') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

key_accounts as (

    select * from {{ ref('int_key_accounts') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

latest_mrr as (

    select
        client_id,
        mrr,
        arr,
        category
    from mrr
    qualify row_number() over (partition by client_id order by month desc) = 1

),

tenure as (

    select
        mrr.client_id,
        min(mrr.month) filter (where mrr.mrr > 0) as first_active_month,
        bool_or(mrr.category = 'contraction') filter (
            where mrr.month > as_of.as_of_month - interval 3 month
        ) as contracted_in_3_months
    from mrr
    cross join as_of
    group by mrr.client_id

),

support_records as (

    select
        source_id as support_org_id,
        client_id
    from client_map
    where source_system = 'support' and source_entity = 'organizations'

),

crm_records as (

    select
        source_id as crm_account_id,
        client_id
    from client_map
    where source_system = 'crm' and source_entity = 'accounts'

),

ticket_health as (

    select
        support_records.client_id,
        count(*) filter (where tickets.status <> 'solved') as open_tickets,
        count(*) filter (
            where tickets.created_at >= as_of.as_of_date - interval 90 day
            and (
                coalesce(tickets.first_response_at, as_of.as_of_date)
                > tickets.created_at + to_minutes(tickets.sla_first_response_minutes)
                or coalesce(tickets.solved_at, as_of.as_of_date)
                > tickets.created_at + to_minutes(tickets.sla_resolution_minutes)
            )
        ) as sla_breaches_90_days
    from tickets
    inner join support_records
        on tickets.support_org_id = support_records.support_org_id
    cross join as_of
    group by support_records.client_id

),

latest_nps as (

    select
        support_records.client_id,
        surveys.score as latest_nps_score,
        surveys.responded_at as latest_nps_at
    from surveys
    inner join support_records
        on surveys.support_org_id = support_records.support_org_id
    where surveys.score is not null
    qualify row_number() over (
        partition by support_records.client_id
        order by surveys.responded_at desc, surveys.support_response_id desc
    ) = 1

),

pipeline as (

    select
        client_id,
        sum(pipeline_amount) as open_pipeline_amount,
        count(*) filter (where not is_past_due) as open_opportunities,
        sum(past_due_amount) as past_due_pipeline_amount,
        count(*) filter (where is_past_due) as past_due_opportunities
    from open_pipeline
    where client_id is not null
    group by client_id

),

last_activity as (

    select
        crm_records.client_id,
        max(activities.occurred_at)::date as last_activity_date
    from activities
    inner join crm_records
        on activities.crm_account_id = crm_records.crm_account_id
    group by crm_records.client_id

),

joined as (

    select
        clients.client_id,
        clients.legal_name,
        clients.segment,
        clients.owner_crm_user_id,
        owners.full_name as owner_name,
        coalesce(owners.is_active, false) as is_owner_active,
        coalesce(latest_mrr.mrr, 0) as mrr,
        coalesce(latest_mrr.arr, 0) as arr,
        latest_mrr.category as current_category,
        tenure.first_active_month,
        {{ date_difference('month', "tenure.first_active_month", "as_of.as_of_date") }} as tenure_months,
        coalesce(tenure.contracted_in_3_months, false) as contracted_in_3_months,
        latest_nps.latest_nps_score,
        latest_nps.latest_nps_at,
        coalesce(ticket_health.open_tickets, 0) as open_tickets,
        coalesce(ticket_health.sla_breaches_90_days, 0) as sla_breaches_90_days,
        coalesce(pipeline.open_pipeline_amount, 0)::decimal(18, 2) as open_pipeline_amount,
        coalesce(pipeline.open_opportunities, 0) as open_opportunities,
        coalesce(pipeline.past_due_pipeline_amount, 0)::decimal(18, 2) as past_due_pipeline_amount,
        coalesce(pipeline.past_due_opportunities, 0) as past_due_opportunities,
        last_activity.last_activity_date,
        key_accounts.client_id is not null as is_key_account,
        as_of.as_of_date
    from clients
    cross join as_of
    left join users as owners
        on clients.owner_crm_user_id = owners.crm_user_id
    left join latest_mrr
        on clients.client_id = latest_mrr.client_id
    left join tenure
        on clients.client_id = tenure.client_id
    left join latest_nps
        on clients.client_id = latest_nps.client_id
    left join ticket_health
        on clients.client_id = ticket_health.client_id
    left join pipeline
        on clients.client_id = pipeline.client_id
    left join last_activity
        on clients.client_id = last_activity.client_id
    left join key_accounts
        on clients.client_id = key_accounts.client_id

),

final as (

    select
        *,
        greatest(
            0,
            -- documented in _core__models.yml (health_score)
            100
            - case when mrr = 0 and current_category is not null then 30 else 0 end
            - case when contracted_in_3_months then 15 else 0 end
            - case when latest_nps_score <= 6 then 20 else 0 end
            - least(20, 5 * sla_breaches_90_days)
            - least(15, 5 * open_tickets)
            - case when not is_owner_active then 15 else 0 end
            - case
                when
                    last_activity_date is null
                    or last_activity_date < as_of_date - interval 90 day then 10
                else 0
            end
        ) as health_score
    from joined

)

select * from final
