{#
    Every request that was decided, whatever the outcome (KPI-DEFINITIONS.md, Lost and refused
    requests): closed CRM opportunities (won or lost), converted and disqualified CRM leads,
    accepted and refused ERP quotes (an expired quote was never decided). The lost ones are
    fct_lost_requests; all of them are the lost-rate denominator of rpt_lost_reasons, so both
    marts read one client, segment and channel per request.

    request_kind: lost_opportunity, disqualified_lead, refused_quote (is_lost), or
    won_opportunity, converted_lead, accepted_quote. request_type: the opportunity's type of
    request through the categorical_values seed (new_client, renewal, extension, services;
    `unmapped` when the seed does not list it, `unknown` when the CRM sent none); a lead is
    new_client; a quote `unknown` (the ERP sends no type). The client and segment where one is known
    (leads are not master-data records: segment `unknown`); the lead source (a lead's raw
    source channel; a deal's is the lead converted into it) and campaign, and the channel
    that source belongs to (seed acquisition_channels; `unknown` without a lead: every quote
    and every deal no lead was converted into, `unmapped` for a source the seed lacks); the
    deal's contact (crm_contact_id) or the lead's own job title; the rep (none for quotes).
    closed_at: the opportunity's close time, or the last change of the lead or quote (its
    conversion, disqualification, acceptance or refusal). Grain: request_kind, request_id.
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

rates as (

    select * from {{ ref('stg_erp__exchange_rates') }}

),

request_types as (

    select * from {{ ref('categorical_values') }}
    where attribute = 'request_type'

),

lead_channels as (

    select * from {{ ref('acquisition_channels') }}
    where source = 'crm_lead'

),

closed_opportunities as (

    select
        case when opportunities.is_lost then 'lost_opportunity' else 'won_opportunity' end
            as request_kind,
        opportunities.crm_opportunity_id as request_id,
        case
            when opportunities.request_type is null then 'unknown'
            else coalesce(request_types.value, 'unmapped')
        end as request_type,
        opportunities.is_lost,
        opportunities.client_id,
        opportunities.segment,
        leads.source_channel as lead_source,
        leads.campaign,
        opportunities.crm_contact_id,
        -- the deal's contact's title is dim_client_contacts' (fct_lost_requests)
        null as lead_job_title,
        opportunities.owner_crm_user_id,
        opportunities.closed_at,
        opportunities.lost_reason as raw_reason,
        opportunities.lost_reason_detail as reason_detail,
        opportunities.competitor,
        opportunities.amount_reporting
    from opportunities
    left join leads
        on opportunities.crm_opportunity_id = leads.converted_crm_opportunity_id
    left join request_types
        on opportunities.request_type = request_types.raw_value
    where opportunities.is_closed
    -- a deal converted from two leads keeps the channel of the latest one
    qualify row_number() over (
        partition by opportunities.crm_opportunity_id order by leads.created_at desc nulls last
    ) = 1

),

decided_leads as (

    select
        case when status = 'disqualified' then 'disqualified_lead' else 'converted_lead' end
            as request_kind,
        crm_lead_id as request_id,
        -- a lead is a prospect: a request for a new client
        'new_client' as request_type,
        status = 'disqualified' as is_lost,
        null as client_id,
        'unknown' as segment,
        source_channel as lead_source,
        campaign,
        null as crm_contact_id,
        job_title as lead_job_title,
        owner_crm_user_id,
        updated_at as closed_at,
        disqualification_reason as raw_reason,
        disqualification_detail as reason_detail,
        null as competitor,
        null::decimal(18, 2) as amount_reporting
    from leads
    where status in ('converted', 'disqualified')

),

decided_quotes as (

    select
        case when quotes.status = 'refused' then 'refused_quote' else 'accepted_quote' end
            as request_kind,
        quotes.erp_quote_id as request_id,
        -- the ERP's quotes carry no type of request
        'unknown' as request_type,
        quotes.status = 'refused' as is_lost,
        client_map.client_id,
        coalesce(clients.segment, 'unknown') as segment,
        null as lead_source,
        null as campaign,
        null as crm_contact_id,
        null as lead_job_title,
        null as owner_crm_user_id,
        quotes.updated_at as closed_at,
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
    where quotes.status in ('accepted', 'refused')

),

unioned as (

    select * from closed_opportunities
    union all
    select * from decided_leads
    union all
    select * from decided_quotes

),

final as (

    select
        unioned.*,
        case
            when unioned.lead_source is null then 'unknown'
            else coalesce(lead_channels.channel, 'unmapped')
        end as channel,
        date_trunc('month', unioned.closed_at)::date as closed_month
    from unioned
    left join lead_channels
        on unioned.lead_source = lead_channels.raw_channel

)

select * from final
