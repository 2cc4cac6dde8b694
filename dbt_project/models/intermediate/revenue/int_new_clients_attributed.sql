{#
    Every new master client (fct_mrr category `new`) with the segment and acquisition channel
    its CAC is counted in. The channel is the one of the client's lead: a CRM lead converted
    into an opportunity of one of the client's accounts, its source channel mapped through the
    seed acquisition_channels. A client no converted lead points at (a client the CRM does not
    know, a deal that did not start as a lead) is `unattributed`. The segment is the golden
    record's (dim_clients), `unknown` when it has none.
#}

with

mrr as (

    select * from {{ ref('fct_mrr') }}

),

clients as (

    select * from {{ ref('dim_clients') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

account_clients as (

    select
        source_id as crm_account_id,
        client_id
    from {{ ref('map_client_source_ids') }}
    where source_system = 'crm' and source_entity = 'accounts'

),

channels as (

    select * from {{ ref('acquisition_channels') }}
    where source = 'crm_lead'

),

new_clients as (

    select
        client_id,
        month
    from mrr
    where category = 'new'

),

client_leads as (

    select
        account_clients.client_id,
        leads.crm_lead_id,
        coalesce(channels.channel, 'unattributed') as channel
    from leads
    inner join opportunities
        on leads.converted_crm_opportunity_id = opportunities.crm_opportunity_id
    inner join account_clients
        on opportunities.crm_account_id = account_clients.crm_account_id
    left join channels
        on leads.source_channel = channels.raw_channel
    where leads.status = 'converted'
    -- the client's first lead brought it: later ones are upsell, not acquisition
    qualify row_number() over (
        partition by account_clients.client_id order by leads.created_at, leads.crm_lead_id
    ) = 1

),

final as (

    select
        new_clients.client_id,
        new_clients.month,
        coalesce(clients.segment, 'unknown') as segment,
        coalesce(client_leads.channel, 'unattributed') as channel,
        client_leads.crm_lead_id
    from new_clients
    left join clients
        on new_clients.client_id = clients.client_id
    left join client_leads
        on new_clients.client_id = client_leads.client_id

)

select * from final
