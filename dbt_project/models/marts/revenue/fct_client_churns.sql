{#
    Every churn of a master client (fct_mrr category `churn`: the first month without MRR
    after one with) with its exit reason: the ERP's termination reason of the client's
    subscription cancelled in the month before (the last month it was billed), grouped by
    the exit_reasons seed.
#}

with

mrr as (

    select * from {{ ref('fct_mrr') }}

),

subscriptions as (

    select * from {{ ref('stg_erp__subscriptions') }}

),

client_map as (

    select
        source_id as erp_customer_id,
        client_id
    from {{ ref('map_client_source_ids') }}
    where source_system = 'erp' and source_entity = 'customers'

),

clients as (

    select * from {{ ref('dim_clients') }}

),

exit_reasons as (

    select * from {{ ref('exit_reasons') }}

),

churns as (

    select
        client_id,
        month as churn_month,
        previous_mrr as lost_mrr
    from mrr
    where category = 'churn'

),

cancelled as (

    select
        client_map.client_id,
        date_trunc('month', subscriptions.end_date)::date as last_billed_month,
        subscriptions.erp_subscription_id,
        subscriptions.termination_reason,
        subscriptions.updated_at
    from subscriptions
    inner join client_map
        on subscriptions.erp_customer_id = client_map.erp_customer_id
    where subscriptions.status = 'cancelled'

),

reasons as (

    select
        churns.client_id,
        churns.churn_month,
        cancelled.erp_subscription_id,
        cancelled.termination_reason
    from churns
    inner join cancelled
        on
            churns.client_id = cancelled.client_id
            and churns.churn_month = cancelled.last_billed_month + interval 1 month
    -- two subscriptions cancelled the same month: the reason entered last is the client's
    qualify row_number() over (
        partition by churns.client_id, churns.churn_month
        order by cancelled.updated_at desc, cancelled.erp_subscription_id desc
    ) = 1

),

final as (

    select
        churns.client_id,
        churns.churn_month,
        churns.lost_mrr,
        coalesce(clients.segment, 'unknown') as segment,
        clients.owner_crm_user_id,
        reasons.erp_subscription_id,
        reasons.termination_reason as exit_reason,
        case
            when reasons.erp_subscription_id is null then 'no_cancellation'
            when reasons.termination_reason is null then 'not_given'
            else coalesce(exit_reasons.exit_reason_group, 'unmapped')
        end as exit_reason_group
    from churns
    left join clients
        on churns.client_id = clients.client_id
    left join reasons
        on
            churns.client_id = reasons.client_id
            and churns.churn_month = reasons.churn_month
    left join exit_reasons
        on reasons.termination_reason = exit_reasons.raw_reason

)

select * from final
