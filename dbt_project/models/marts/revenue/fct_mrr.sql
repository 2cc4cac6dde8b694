{#
    MRR per master client and month over the full spine: from the client's first active month
    to one month after its last (so that churn is a row with MRR 0), never past the as-of
    month. Subscriptions of every ERP customer mapped to the client add up, so a client billed
    under two ERP customers is one client, not a churn and a new. Categories follow
    KPI-DEFINITIONS.md, tested in this order: new, churn, reactivation, expansion,
    contraction, flat.
#}

with

subscription_months as (

    select * from {{ ref('int_subscription_months') }}

),

client_map as (

    select
        source_id as erp_customer_id,
        client_id
    from {{ ref('map_client_source_ids') }}
    where source_system = 'erp' and source_entity = 'customers'

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

client_months as (

    select
        client_map.client_id,
        subscription_months.month,
        cast(sum(subscription_months.mrr) as decimal(18, 2)) as mrr
    from subscription_months
    inner join client_map
        on subscription_months.erp_customer_id = client_map.erp_customer_id
    group by all

),

bounds as (

    select
        client_id,
        min(month) filter (where mrr > 0) as first_active_month,
        max(month) filter (where mrr > 0) as last_active_month
    from client_months
    group by client_id

),

spine as (

    select
        bounds.client_id,
        bounds.first_active_month,
        cast(unnest(generate_series(
            bounds.first_active_month,
            least(bounds.last_active_month + interval 1 month, as_of.as_of_month),
            interval 1 month
        )) as date) as month
    from bounds
    cross join as_of
    where bounds.first_active_month is not null

),

filled as (

    select
        spine.client_id,
        spine.month,
        spine.first_active_month,
        cast(coalesce(client_months.mrr, 0) as decimal(18, 2)) as mrr
    from spine
    left join client_months
        on
            spine.client_id = client_months.client_id
            and spine.month = client_months.month

),

with_previous as (

    select
        *,
        cast(coalesce(
            lag(mrr) over (partition by client_id order by month), 0
        ) as decimal(18, 2)) as previous_mrr
    from filled

),

final as (

    select
        client_id,
        month,
        mrr,
        previous_mrr,
        cast(mrr - previous_mrr as decimal(18, 2)) as movement,
        case
            when month = first_active_month then 'new'
            when mrr = 0 and previous_mrr > 0 then 'churn'
            when mrr > 0 and previous_mrr = 0 then 'reactivation'
            when mrr > previous_mrr and previous_mrr > 0 then 'expansion'
            when mrr > 0 and mrr < previous_mrr then 'contraction'
            else 'flat'
        end as category,
        cast(12 * mrr as decimal(18, 2)) as arr,
        '{{ var("reporting_currency") }}' as currency
    from with_previous

)

select * from final
