{#
    MRR per master client and month over the full spine: from the client's first active month
    to one month after its last (so that churn is a row with MRR 0), never past the as-of
    month. Subscriptions of every ERP customer mapped to the client add up, so a client billed
    under two ERP customers is one client, not a churn and a new. Categories follow
    KPI-DEFINITIONS.md, tested in this order: new, churn, reactivation, expansion,
    contraction, flat, and are decided at constant currency: on the contract-currency MRR
    (or, for a client billed in several currencies, on both months' contracts at this month's
    rates), so that an exchange rate never makes a client expand or contract.

    movement = MRR - the previous month's contracts at this month's rates; fx_effect = those
    contracts at this month's rates - at last month's (each subscription rounded to the cent,
    as MRR is), so that mrr = previous_mrr + movement + fx_effect exactly.
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

rates as (

    select * from {{ ref('int_exchange_rates_monthly') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

client_subscription_months as (

    select
        client_map.client_id,
        subscription_months.month,
        subscription_months.currency,
        subscription_months.monthly_amount,
        subscription_months.mrr
    from subscription_months
    inner join client_map
        on subscription_months.erp_customer_id = client_map.erp_customer_id

),

client_months as (

    select
        client_id,
        month,
        cast(sum(mrr) as decimal(18, 2)) as mrr,
        case when count(distinct currency) = 1 then max(currency) else 'mixed' end as currency,
        cast(case
            when count(distinct currency) = 1 then sum(monthly_amount)
        end as decimal(18, 6)) as contract_mrr
    from client_subscription_months
    group by all

),

-- last month's subscriptions at this month's rates: the constant-currency opening
carried_forward as (

    select
        client_subscription_months.client_id,
        cast(client_subscription_months.month + interval 1 month as date) as month,
        cast(sum(round(client_subscription_months.monthly_amount * case
            when client_subscription_months.currency = '{{ var("reporting_currency") }}'
                then 1.0
            else rates.reporting_per_unit
        end, 2)) as decimal(18, 2)) as previous_mrr_at_current_rates
    from client_subscription_months
    left join rates
        on
            client_subscription_months.currency = rates.currency
            and client_subscription_months.month + interval 1 month = rates.month
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
        {{ date_series_rows(
            "bounds.first_active_month",
            "least(bounds.last_active_month + interval 1 month, as_of.as_of_month)",
            "interval 1 month"
        ) }} as month
    from bounds
    cross join as_of
    where bounds.first_active_month is not null

),

filled as (

    select
        spine.client_id,
        spine.month,
        spine.first_active_month,
        cast(coalesce(client_months.mrr, 0) as decimal(18, 2)) as mrr,
        client_months.currency as billed_currency,
        coalesce(client_months.contract_mrr, 0) as contract_mrr,
        cast(coalesce(carried_forward.previous_mrr_at_current_rates, 0) as decimal(18, 2))
            as previous_mrr_at_current_rates
    from spine
    left join client_months
        on
            spine.client_id = client_months.client_id
            and spine.month = client_months.month
    left join carried_forward
        on
            spine.client_id = carried_forward.client_id
            and spine.month = carried_forward.month

),

with_currency as (

    -- a month without MRR keeps the currency of the client's last billed month
    select
        *,
        coalesce(
            billed_currency,
            last_value(billed_currency ignore nulls) over (
                partition by client_id order by month
                rows between unbounded preceding and current row
            )
        ) as currency
    from filled

),

with_previous as (

    select
        *,
        cast(coalesce(
            lag(mrr) over by_client, 0
        ) as decimal(18, 2)) as previous_mrr,
        coalesce(lag(contract_mrr) over by_client, 0) as previous_contract_mrr,
        lag(currency) over by_client as previous_currency
    from with_currency
    window by_client as (partition by client_id order by month)

),

compared as (

    -- the contract-currency MRR decides, unless the client changed or mixed currencies
    select
        *,
        case
            when currency = previous_currency and currency <> 'mixed' then contract_mrr
            else mrr
        end as compared_mrr,
        case
            when currency = previous_currency and currency <> 'mixed' then previous_contract_mrr
            else previous_mrr_at_current_rates
        end as compared_previous_mrr
    from with_previous

),

final as (

    select
        client_id,
        month,
        mrr,
        previous_mrr,
        cast(mrr - previous_mrr_at_current_rates as decimal(18, 2)) as movement,
        cast(previous_mrr_at_current_rates - previous_mrr as decimal(18, 2)) as fx_effect,
        case
            when month = first_active_month then 'new'
            when mrr = 0 and previous_mrr > 0 then 'churn'
            when mrr > 0 and previous_mrr = 0 then 'reactivation'
            when compared_mrr > compared_previous_mrr and previous_mrr > 0 then 'expansion'
            when mrr > 0 and compared_mrr < compared_previous_mrr then 'contraction'
            else 'flat'
        end as category,
        cast(12 * mrr as decimal(18, 2)) as arr,
        currency,
        case when currency <> 'mixed' then cast(contract_mrr as decimal(18, 2)) end
            as mrr_contract_currency,
        '{{ var("reporting_currency") }}' as reporting_currency
    from compared

)

select * from final
