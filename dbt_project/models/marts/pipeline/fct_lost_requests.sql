{#
    Every lost or refused request, from the three systems that record one (KPI-DEFINITIONS.md,
    Lost and refused requests): lost CRM opportunities, disqualified CRM leads and refused ERP
    quotes. Each has its reason group from the seed lost_reasons (matched on request_kind and
    the raw reason), the raw reason and the free-text detail, the client and segment where
    one is known (leads are not master-data records: their segment is `unknown`), the channel
    (a lead's source channel; `unknown` for opportunities and quotes, whose extracts carry
    none), the rep (no rep for ERP quotes) and the month.

    A request lost without any reason gets the group `other` and has_mapped_reason false. A
    raw reason the seed does not list gets no group (null): the tests not_null on
    reason_group and tests/assert_every_lost_reason_is_mapped.sql fail the build until the
    seed says what it means.

    Grain: one row per request_kind and request_id. lost_at: the opportunity's close time,
    or the last change of the lead or quote (its disqualification or refusal).
#}

with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

quotes as (

    select * from {{ ref('stg_erp__quotes') }}

),

client_map as (

    select * from {{ ref('map_client_source_ids') }}
    where source_system = 'erp' and source_entity = 'customers'

),

clients as (

    select * from {{ ref('dim_clients') }}

),

reasons as (

    select * from {{ ref('lost_reasons') }}

),

rates as (

    select * from {{ ref('stg_erp__exchange_rates') }}

),

lost_opportunities as (

    select
        'lost_opportunity' as request_kind,
        opportunities.crm_opportunity_id as request_id,
        opportunities.client_id,
        opportunities.segment,
        coalesce(leads.source_channel, 'unknown') as channel,
        opportunities.owner_crm_user_id,
        opportunities.closed_at as lost_at,
        opportunities.lost_reason as raw_reason,
        opportunities.lost_reason_detail as reason_detail,
        opportunities.competitor,
        opportunities.amount_reporting
    from opportunities
    left join leads
        on opportunities.crm_opportunity_id = leads.converted_crm_opportunity_id
    where opportunities.is_lost
    -- a deal converted from two leads keeps the channel of the latest one
    qualify row_number() over (
        partition by opportunities.crm_opportunity_id order by leads.created_at desc nulls last
    ) = 1

),

disqualified_leads as (

    select
        'disqualified_lead' as request_kind,
        crm_lead_id as request_id,
        null as client_id,
        'unknown' as segment,
        coalesce(source_channel, 'unknown') as channel,
        owner_crm_user_id,
        updated_at as lost_at,
        disqualification_reason as raw_reason,
        disqualification_detail as reason_detail,
        null as competitor,
        null::decimal(18, 2) as amount_reporting
    from leads
    where status = 'disqualified'

),

refused_quotes as (

    select
        'refused_quote' as request_kind,
        quotes.erp_quote_id as request_id,
        client_map.client_id,
        coalesce(clients.segment, 'unknown') as segment,
        'unknown' as channel,
        null as owner_crm_user_id,
        quotes.updated_at as lost_at,
        quotes.refusal_reason as raw_reason,
        quotes.refusal_detail as reason_detail,
        null as competitor,
        (quotes.amount * case
            when quotes.currency = '{{ var("reporting_currency") }}' or quotes.currency is null
                then 1.0
            else rates.eur_per_unit
        end)::decimal(18, 2) as amount_reporting
    from quotes
    left join client_map
        on quotes.erp_customer_id = client_map.source_id
    left join clients
        on client_map.client_id = clients.client_id
    asof left join rates
        on
            quotes.currency = rates.currency
            and quotes.updated_at::date >= rates.rate_date
    where quotes.status = 'refused'

),

unioned as (

    select * from lost_opportunities
    union all
    select * from disqualified_leads
    union all
    select * from refused_quotes

),

final as (

    select
        unioned.request_kind,
        unioned.request_id,
        unioned.client_id,
        unioned.segment,
        unioned.channel,
        unioned.owner_crm_user_id,
        unioned.lost_at,
        date_trunc('month', unioned.lost_at)::date as lost_month,
        unioned.raw_reason,
        unioned.reason_detail,
        case
            when unioned.raw_reason is null then 'other'
            else reasons.reason_group
        end as reason_group,
        reasons.reason_group is not null as has_mapped_reason,
        unioned.reason_detail is not null as has_detail,
        unioned.competitor,
        unioned.amount_reporting
    from unioned
    left join reasons
        on
            unioned.request_kind = reasons.request_kind
            and unioned.raw_reason = reasons.raw_reason

)

select * from final
