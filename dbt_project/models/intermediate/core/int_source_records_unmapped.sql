{#
    Every source record that points at a client master data does not know (referential
    integrity across sources): ERP subscriptions, invoices, orders and quotes whose customer
    has no master client, CRM opportunities without an account that has one, support tickets
    and surveys without an organisation that has one. Such a record drops out of every KPI
    that goes through the client (MRR, new clients, CAC, pipeline, NPS...): here it is counted
    with the money it carries, in the reporting currency:
    - mrr: a subscription's MRR in the as-of month (0 when not active then);
    - amount: a subscription's MRR in its last active month, an invoice's or quote's amount at
      its month-end rate, an order's amount (the ERP gives orders no currency), an
      opportunity's amount; none for tickets and surveys.
    explained_by names the files that can explain it: the quarantined rows of the missing
    record (its key in raw.quarantine, not replayed since) and the rejected files of the
    entity it points at (a rejected file could not be read, so any of them may hold it),
    unless a retry loaded it since.
    Grain: check_name, record_id.
#}

with

client_map as (

    select * from {{ ref('map_client_source_ids') }}

),

subscriptions as (

    select * from {{ ref('stg_erp__subscriptions') }}

),

subscription_months as (

    select * from {{ ref('int_subscription_months') }}

),

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

orders as (

    select * from {{ ref('stg_erp__orders') }}

),

quotes as (

    select * from {{ ref('stg_erp__quotes') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

opportunity_amounts as (

    select * from {{ ref('int_opportunities_enriched') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

surveys as (

    select * from {{ ref('stg_support__surveys') }}

),

rates as (

    select * from {{ ref('int_exchange_rates_monthly') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

file_loads as (

    select * from {{ ref('stg_ingest__file_loads') }}

),

quarantined as (

    select * from {{ ref('stg_ingest__quarantined_values') }}
    where not is_replayed

),

erp_customers as (

    select source_id from client_map
    where source_system = 'erp' and source_entity = 'customers'

),

crm_accounts as (

    select source_id from client_map
    where source_system = 'crm' and source_entity = 'accounts'

),

support_organizations as (

    select source_id from client_map
    where source_system = 'support' and source_entity = 'organizations'

),

subscription_mrr as (

    select
        subscription_months.erp_subscription_id,
        sum(subscription_months.mrr) filter (
            where subscription_months.month = as_of.as_of_month
        ) as as_of_mrr,
        {{ max_by("subscription_months.mrr", "subscription_months.month") }} as last_mrr
    from subscription_months
    cross join as_of
    group by subscription_months.erp_subscription_id

),

unmapped as (

    select
        'subscription_without_client' as check_name,
        'erp' as source_system,
        'subscriptions' as source_entity,
        subscriptions.erp_subscription_id as record_id,
        'erp' as referenced_system,
        'customers' as referenced_entity,
        subscriptions.erp_customer_id as referenced_id,
        subscriptions._source_file as source_file,
        coalesce(subscription_mrr.as_of_mrr, 0) as mrr,
        coalesce(subscription_mrr.last_mrr, 0) as amount
    from subscriptions
    left join erp_customers
        on subscriptions.erp_customer_id = erp_customers.source_id
    left join subscription_mrr
        on subscriptions.erp_subscription_id = subscription_mrr.erp_subscription_id
    where erp_customers.source_id is null

    union all

    select
        'invoice_without_client' as check_name,
        'erp' as source_system,
        'invoices' as source_entity,
        invoices.erp_invoice_id as record_id,
        'erp' as referenced_system,
        'customers' as referenced_entity,
        invoices.erp_customer_id as referenced_id,
        invoices._source_file as source_file,
        0 as mrr,
        round(invoices.total_excl_tax * case
            when invoices.currency = '{{ var("reporting_currency") }}' then 1.0
            else rates.reporting_per_unit
        end, 2) as amount
    from invoices
    left join erp_customers
        on invoices.erp_customer_id = erp_customers.source_id
    left join rates
        on
            invoices.currency = rates.currency
            and date_trunc('month', invoices.invoice_date) = rates.month
    where erp_customers.source_id is null

    union all

    select
        'order_without_client' as check_name,
        'erp' as source_system,
        'orders' as source_entity,
        orders.erp_order_id as record_id,
        'erp' as referenced_system,
        'customers' as referenced_entity,
        orders.erp_customer_id as referenced_id,
        orders._source_file as source_file,
        0 as mrr,
        orders.amount_excl_tax as amount
    from orders
    left join erp_customers
        on orders.erp_customer_id = erp_customers.source_id
    where erp_customers.source_id is null

    union all

    select
        'quote_without_client' as check_name,
        'erp' as source_system,
        'quotes' as source_entity,
        quotes.erp_quote_id as record_id,
        'erp' as referenced_system,
        'customers' as referenced_entity,
        quotes.erp_customer_id as referenced_id,
        quotes._source_file as source_file,
        0 as mrr,
        round(quotes.amount * case
            when quotes.currency = '{{ var("reporting_currency") }}' then 1.0
            else rates.reporting_per_unit
        end, 2) as amount
    from quotes
    left join erp_customers
        on quotes.erp_customer_id = erp_customers.source_id
    left join rates
        on
            quotes.currency = rates.currency
            and date_trunc('month', quotes.quote_date) = rates.month
    where erp_customers.source_id is null

    union all

    select
        'opportunity_without_account' as check_name,
        'crm' as source_system,
        'opportunities' as source_entity,
        opportunities.crm_opportunity_id as record_id,
        'crm' as referenced_system,
        'accounts' as referenced_entity,
        opportunities.crm_account_id as referenced_id,
        opportunities._source_file as source_file,
        0 as mrr,
        opportunity_amounts.amount_reporting as amount
    from opportunities
    left join crm_accounts
        on opportunities.crm_account_id = crm_accounts.source_id
    left join opportunity_amounts
        on opportunities.crm_opportunity_id = opportunity_amounts.crm_opportunity_id
    where crm_accounts.source_id is null

    union all

    select
        'ticket_without_organization' as check_name,
        'support' as source_system,
        'tickets' as source_entity,
        tickets.support_ticket_id as record_id,
        'support' as referenced_system,
        'organizations' as referenced_entity,
        tickets.support_org_id as referenced_id,
        tickets._source_file as source_file,
        0 as mrr,
        null as amount
    from tickets
    left join support_organizations
        on tickets.support_org_id = support_organizations.source_id
    where support_organizations.source_id is null

    union all

    select
        'survey_without_organization' as check_name,
        'support' as source_system,
        'surveys' as source_entity,
        surveys.support_response_id as record_id,
        'support' as referenced_system,
        'organizations' as referenced_entity,
        surveys.support_org_id as referenced_id,
        surveys._source_file as source_file,
        0 as mrr,
        null as amount
    from surveys
    left join support_organizations
        on surveys.support_org_id = support_organizations.source_id
    where support_organizations.source_id is null

),

still_rejected as (

    -- a file whose last load or rejection was a rejection: one that a retry loaded since
    -- (a fixed encoding, a corrected file of the same name) explains nothing any more
    select
        source_system,
        source_entity,
        file
    from file_loads
    where status in ('loaded', 'rejected')
    group by all
    having {{ max_by("status", "started_at") }} = 'rejected'

),

explanations as (

    -- the missing record's own quarantined rows
    select
        unmapped.check_name,
        unmapped.record_id,
        quarantined.file
    from unmapped
    inner join quarantined
        on
            unmapped.referenced_system = quarantined.source_system
            and unmapped.referenced_entity = quarantined.source_entity
            and unmapped.referenced_id = quarantined.record_id

    union

    -- the files of the entity it points at that could not be read at all (and still
    -- cannot)
    select
        unmapped.check_name,
        unmapped.record_id,
        still_rejected.file
    from unmapped
    inner join still_rejected
        on
            unmapped.referenced_system = still_rejected.source_system
            and unmapped.referenced_entity = still_rejected.source_entity
    where unmapped.referenced_id is not null

),

explained as (

    select
        check_name,
        record_id,
        {{ array_sorted(array_agg_values('file', distinct=true)) }} as explained_by
    from explanations
    group by all

),

final as (

    select
        unmapped.check_name,
        unmapped.source_system,
        unmapped.source_entity,
        unmapped.record_id,
        unmapped.referenced_system,
        unmapped.referenced_entity,
        unmapped.referenced_id,
        unmapped.source_file,
        cast(unmapped.mrr as decimal(18, 2)) as mrr,
        cast(unmapped.amount as decimal(18, 2)) as amount,
        coalesce(explained.explained_by, {{ array_of([]) }}) as explained_by
    from unmapped
    left join explained
        on
            unmapped.check_name = explained.check_name
            and unmapped.record_id = explained.record_id

)

select * from final
