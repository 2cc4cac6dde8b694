{#
    The golden record's history: the survivorship of dim_clients (var survivorship, macros
    survivor) applied at every moment one of the client's source records changed, over each
    record's version of that moment (the raw layer keeps every loaded version; support
    organisations only their latest), for the attributes the history tracks. A version that
    changes none of them starts no new row. Records are grouped by their client of today.
#}

with

record_clients as (

    select * from {{ ref('stg_mdm__record_clients') }}

),

erp_versions as (

    select * from {{ ref('stg_erp__customer_versions') }}

),

crm_versions as (

    select * from {{ ref('stg_crm__account_versions') }}

),

support_organizations as (

    select * from {{ ref('stg_support__organizations') }}

),

categorical_values as (

    select * from {{ ref('categorical_values') }}

),

derived_segments as (

    select * from {{ ref('int_client_segments_derived') }}

),

record_versions as (

    select
        'erp|customers|' || erp_customer_id as record_key,
        'erp' as source_system,
        updated_at,
        company_name as legal_name,
        address as billing_street,
        postal_code as billing_postal_code,
        city as billing_city,
        country as billing_country,
        null as segment,
        null as owner_crm_user_id,
        is_deleted
    from erp_versions

    union all

    select
        'crm|accounts|' || crm_versions.crm_account_id as record_key,
        'crm' as source_system,
        crm_versions.updated_at,
        crm_versions.account_name as legal_name,
        crm_versions.billing_street,
        crm_versions.billing_postal_code,
        crm_versions.billing_city,
        crm_versions.billing_country,
        -- one spelling per category, as int_client_records_unioned reads it
        coalesce(segments.value, crm_versions.segment) as segment,
        crm_versions.owner_crm_user_id,
        crm_versions.is_deleted
    from crm_versions
    left join categorical_values as segments
        on
            segments.attribute = 'segment'
            and crm_versions.segment = segments.raw_value

    union all

    select
        'support|organizations|' || support_org_id as record_key,
        'support' as source_system,
        updated_at,
        name as legal_name,
        null as billing_street,
        null as billing_postal_code,
        null as billing_city,
        null as billing_country,
        null as segment,
        null as owner_crm_user_id,
        false as is_deleted
    from support_organizations

),

client_versions as (

    select
        record_clients.client_id,
        record_versions.*
    from record_versions
    inner join record_clients
        on record_versions.record_key = record_clients.record_key
    where record_versions.updated_at is not null

),

change_points as (

    select distinct
        client_id,
        updated_at as valid_from
    from client_versions

),

records_then as (

    select
        change_points.client_id,
        change_points.valid_from,
        client_versions.record_key,
        client_versions.source_system,
        client_versions.updated_at,
        client_versions.legal_name,
        client_versions.billing_street,
        {{ postcode_normalized('client_versions.billing_postal_code') }} as billing_postal_code,
        client_versions.billing_city,
        client_versions.billing_country,
        client_versions.segment,
        client_versions.owner_crm_user_id,
        client_versions.is_deleted
    from change_points
    inner join client_versions
        on
            change_points.client_id = client_versions.client_id
            and change_points.valid_from >= client_versions.updated_at
    -- each record as it stood then: its latest version at or before the moment
    qualify row_number() over (
        partition by change_points.client_id, change_points.valid_from, client_versions.record_key
        order by client_versions.updated_at desc
    ) = 1

),

{% set has_address = "coalesce(billing_street, billing_postal_code, billing_city) is not null" %}

golden as (

    select
        client_id,
        valid_from,
        {{ survivor('legal_name', 'legal_identity') }} as legal_name,
        {{ survivor(
            '{street: billing_street, postal_code: billing_postal_code, '
            ~ 'city: billing_city, country: billing_country}',
            'billing_address', has_address) }} as billing_address,
        {{ survivor('segment', 'segment') }} as segment,
        {{ survivor('owner_crm_user_id', 'owner') }} as owner_crm_user_id
    from records_then
    where not is_deleted
    group by client_id, valid_from

),

flattened as (

    select
        golden.client_id,
        golden.valid_from,
        golden.legal_name,
        golden.billing_address.street as billing_street,
        golden.billing_address.postal_code as billing_postal_code,
        golden.billing_address.city as billing_city,
        golden.billing_address.country as billing_country,
        -- as dim_clients: no record carries a segment, the one derived from the ERP's MRR
        coalesce(golden.segment, derived_segments.derived_segment) as segment,
        golden.owner_crm_user_id
    from golden
    left join derived_segments
        on golden.client_id = derived_segments.client_id

),

with_previous as (

    select
        *,
        row_number() over by_client as row_position,
        lag(legal_name) over by_client as previous_legal_name,
        lag(billing_street) over by_client as previous_billing_street,
        lag(billing_postal_code) over by_client as previous_billing_postal_code,
        lag(billing_city) over by_client as previous_billing_city,
        lag(billing_country) over by_client as previous_billing_country,
        lag(segment) over by_client as previous_segment,
        lag(owner_crm_user_id) over by_client as previous_owner_crm_user_id
    from flattened
    window by_client as (partition by client_id order by valid_from)

),

compared as (

    select
        *,
        row_position = 1
        or (legal_name is distinct from previous_legal_name)
        or (billing_street is distinct from previous_billing_street)
        or (billing_postal_code is distinct from previous_billing_postal_code)
        or (billing_city is distinct from previous_billing_city)
        or (billing_country is distinct from previous_billing_country)
        or (segment is distinct from previous_segment)
        or (owner_crm_user_id is distinct from previous_owner_crm_user_id) as is_change
    from with_previous

),

final as (

    select
        client_id,
        row_number() over by_client as version_number,
        valid_from,
        lead(valid_from) over by_client as valid_to,
        lead(valid_from) over by_client is null as is_current,
        legal_name,
        billing_street,
        billing_postal_code,
        billing_city,
        billing_country,
        segment,
        owner_crm_user_id
    from compared
    where is_change
    window by_client as (partition by client_id order by valid_from)

)

select * from final
