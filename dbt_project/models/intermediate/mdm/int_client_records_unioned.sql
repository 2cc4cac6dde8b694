{#
    Every source record that stands for a client, from the three systems, with the raw
    attributes that matching compares: one row per (source_system, source_entity, source_id).
    Contacts' and ticket requesters' e-mail domains are gathered onto their account or
    organisation, because that is where the CRM and the support desk keep a client's domains.
#}

with

erp_customers as (

    select * from {{ ref('stg_erp__customers') }}

),

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

categorical_values as (

    select * from {{ ref('categorical_values') }}

),

crm_contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

support_organizations as (

    select * from {{ ref('stg_support__organizations') }}

),

support_tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

-- the first extract that carried a record: data, not load time, so a rebuild agrees
first_seen as (

    select
        'erp' as source_system,
        erp_customer_id as source_id,
        first_extract_date as first_seen_on
    from erp_customers

    union all

    select
        'crm' as source_system,
        crm_account_id as source_id,
        first_extract_date as first_seen_on
    from crm_accounts

    union all

    select
        'support' as source_system,
        support_org_id as source_id,
        first_extract_date as first_seen_on
    from support_organizations

),

contact_domains as (

    select
        crm_account_id,
        {{ array_distinct_values(array_agg_values(email_domain('email'))) }} as email_domains
    from crm_contacts
    where crm_account_id is not null
    group by crm_account_id

),

requester_domains as (

    select
        support_org_id,
        {{ array_distinct_values(array_agg_values(email_domain('requester_email'))) }} as email_domains
    from support_tickets
    where support_org_id is not null
    group by support_org_id

),

erp_records as (

    select
        'erp' as source_system,
        'customers' as source_entity,
        erp_customer_id as source_id,
        company_name,
        siren,
        vat_number,
        {{ array_of([web_domain('website'), email_domain('email')]) }} as domains,
        phone,
        address as street,
        postal_code,
        city,
        country,
        null as linked_record_key,
        null as owner_crm_user_id,
        null as segment,
        null as industry,
        updated_at
    from erp_customers

),

crm_records as (

    select
        'crm' as source_system,
        'accounts' as source_entity,
        crm_accounts.crm_account_id as source_id,
        crm_accounts.account_name as company_name,
        crm_accounts.siren,
        null as vat_number,
        {{ array_concat(
            array_of([web_domain('crm_accounts.website')]), 'contact_domains.email_domains'
        ) }} as domains,
        crm_accounts.phone,
        crm_accounts.billing_street as street,
        crm_accounts.billing_postal_code as postal_code,
        crm_accounts.billing_city as city,
        crm_accounts.billing_country as country,
        null as linked_record_key,
        crm_accounts.owner_crm_user_id,
        -- one spelling per category (seed categorical_values); an unmapped one stays as
        -- sent, and its mapping test fails
        coalesce(segments.value, crm_accounts.segment) as segment,
        coalesce(industries.value, crm_accounts.industry) as industry,
        crm_accounts.updated_at
    from crm_accounts
    left join contact_domains
        on crm_accounts.crm_account_id = contact_domains.crm_account_id
    left join categorical_values as segments
        on
            segments.attribute = 'segment'
            and crm_accounts.segment = segments.raw_value
    left join categorical_values as industries
        on
            industries.attribute = 'industry'
            and crm_accounts.industry = industries.raw_value

),

support_records as (

    select
        'support' as source_system,
        'organizations' as source_entity,
        support_organizations.support_org_id as source_id,
        support_organizations.name as company_name,
        null as siren,
        null as vat_number,
        {{ array_concat(
            "coalesce(support_organizations.domain_names, " ~ array_of([]) ~ ")",
            'requester_domains.email_domains'
        ) }} as domains,
        null as phone,
        null as street,
        null as postal_code,
        null as city,
        null as country,
        -- the support desk's external id is the ERP customer id, when someone filled it in
        'erp|customers|' || support_organizations.external_id as linked_record_key,
        null as owner_crm_user_id,
        null as segment,
        null as industry,
        support_organizations.updated_at
    from support_organizations
    left join requester_domains
        on support_organizations.support_org_id = requester_domains.support_org_id

),

unioned as (

    select * from erp_records
    union all
    select * from crm_records
    union all
    select * from support_records

),

final as (

    select
        unioned.source_system || '|' || unioned.source_entity || '|' || unioned.source_id
            as record_key,
        unioned.source_system,
        unioned.source_entity,
        unioned.source_id,
        unioned.company_name,
        unioned.siren,
        unioned.vat_number,
        -- blanks out; normalisation and free-mail filtering happen downstream
        {{ array_distinct_values(array_filter(
            'unioned.domains', 'd', "d is not null and trim(d) <> ''"
        )) }} as domains,
        unioned.phone,
        unioned.street,
        unioned.postal_code,
        unioned.city,
        unioned.country,
        unioned.linked_record_key,
        unioned.owner_crm_user_id,
        unioned.segment,
        unioned.industry,
        unioned.updated_at,
        first_seen.first_seen_on
    from unioned
    left join first_seen
        on
            unioned.source_system = first_seen.source_system
            and unioned.source_id = first_seen.source_id

)

select * from final
