{#
    Every current CRM opportunity (deletes applied) with its master client and segment, its
    six-stage position (seed crm_stages), its amount in the reporting currency and its
    probability as a fraction. Amounts are converted at the latest ERP rate on or before the
    close date (closed deals) or the as-of date (open deals). as_of_date comes from int_as_of.
    Grain: one row per crm_opportunity_id.
#}

with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

client_map as (

    select * from {{ ref('map_client_source_ids') }}
    where source_system = 'crm' and source_entity = 'accounts'

),

clients as (

    select * from {{ ref('dim_clients') }}

),

stages as (

    select * from {{ ref('crm_stages') }}

),

rates as (

    select * from {{ ref('stg_erp__exchange_rates') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

dated as (

    select
        opportunities.*,
        as_of.as_of_date,
        coalesce(opportunities.closed_at::date, as_of.as_of_date) as rate_date
    from opportunities
    cross join as_of

),

converted as (

    select
        dated.*,
        dated.amount * case
            when dated.currency = '{{ var("reporting_currency") }}' or dated.currency is null
                then 1.0
            else rates.eur_per_unit
        end as amount_converted
    from dated
    asof left join rates
        on
            dated.currency = rates.currency
            and dated.rate_date >= rates.rate_date

),

final as (

    select
        converted.crm_opportunity_id,
        converted.crm_account_id,
        client_map.client_id,
        coalesce(clients.segment, 'unknown') as segment,
        converted.owner_crm_user_id,
        converted.opportunity_name,
        converted.request_type,
        converted.stage as crm_stage,
        stages.pipeline_stage,
        stages.stage_number,
        coalesce(stages.is_closed, converted.closed_at is not null) as is_closed,
        coalesce(stages.is_won, converted.is_won, false) as is_won,
        coalesce(stages.is_closed, converted.closed_at is not null)
        and not coalesce(stages.is_won, converted.is_won, false) as is_lost,
        converted.amount,
        converted.currency,
        converted.amount_converted::decimal(18, 2) as amount_reporting,
        converted.discount_pct,
        converted.probability / 100.0 as probability,
        converted.forecast_category,
        converted.expected_close_date,
        converted.created_at,
        converted.closed_at,
        converted.lost_reason,
        converted.lost_reason_detail,
        converted.competitor,
        converted.crm_contact_id,
        converted.as_of_date
    from converted
    left join client_map
        on converted.crm_account_id = client_map.source_id
    left join clients
        on client_map.client_id = clients.client_id
    left join stages
        on converted.stage = stages.crm_stage

)

select * from final
