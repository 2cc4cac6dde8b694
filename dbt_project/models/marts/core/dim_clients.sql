{#
    The golden record: one row per master client, its attributes chosen among its source
    records by the survivorship var (dbt_project.yml, macros/survivorship.sql), each with the
    record_key it came from in <attribute>_source. A client whose records carry no segment
    gets the one derived from its first month's MRR (int_client_segments_derived),
    is_segment_derived true and segment_source null.
#}

with

record_clients as (

    select * from {{ ref('stg_mdm__record_clients') }}

),

client_ids as (

    select * from {{ ref('stg_mdm__client_ids') }}

),

unioned as (

    select * from {{ ref('int_client_records_unioned') }}

),

normalized as (

    select * from {{ ref('int_client_records_normalized') }}

),

derived_segments as (

    select * from {{ ref('int_client_segments_derived') }}

),

records as (

    select
        record_clients.client_id,
        record_clients.record_key,
        record_clients.source_system,
        record_clients.is_unmatchable,
        record_clients.first_seen_on,
        unioned.updated_at,
        unioned.company_name as legal_name,
        normalized.siren,
        nullif(upper(replace(unioned.vat_number, ' ', '')), '') as vat_number,
        unioned.street as billing_street,
        normalized.postcode as billing_postal_code,
        unioned.city as billing_city,
        unioned.country as billing_country,
        normalized.phone,
        normalized.domains,
        unioned.owner_crm_user_id,
        unioned.segment,
        unioned.industry
    from record_clients
    left join unioned
        on record_clients.record_key = unioned.record_key
    left join normalized
        on record_clients.record_key = normalized.record_key

),

{% set has_address = "coalesce(billing_street, billing_postal_code, billing_city) is not null" %}

golden as (

    select
        client_id,
        {{ survivor('legal_name', 'legal_identity') }} as legal_name,
        {{ survivor_source('legal_name', 'legal_identity') }} as legal_name_source,
        {{ survivor('siren', 'legal_identity') }} as siren,
        {{ survivor_source('siren', 'legal_identity') }} as siren_source,
        {{ survivor('vat_number', 'legal_identity') }} as vat_number,
        {{ survivor_source('vat_number', 'legal_identity') }} as vat_number_source,
        {{ survivor(
            '{street: billing_street, postal_code: billing_postal_code, '
            ~ 'city: billing_city, country: billing_country}',
            'billing_address', has_address) }} as billing_address,
        {{ survivor_source('billing_street', 'billing_address', has_address) }}
            as billing_address_source,
        {{ survivor('phone', 'phone') }} as phone,
        {{ survivor_source('phone', 'phone') }} as phone_source,
        {{ survivor('owner_crm_user_id', 'owner') }} as owner_crm_user_id,
        {{ survivor_source('owner_crm_user_id', 'owner') }} as owner_source,
        {{ survivor('segment', 'segment') }} as segment,
        {{ survivor_source('segment', 'segment') }} as segment_source,
        {{ survivor('industry', 'industry') }} as industry,
        {{ survivor_source('industry', 'industry') }} as industry_source,
        {{ array_sorted(array_distinct_values('flatten(' ~ array_agg_values('domains') ~ ')')) }} as domains,
        {{ array_sorted(array_distinct_values(array_agg_values('source_system'))) }} as source_systems,
        count(*) as source_records,
        count(*) filter (where source_system = 'erp') as erp_records,
        count(*) filter (where source_system = 'crm') as crm_records,
        count(*) filter (where source_system = 'support') as support_records,
        bool_and(is_unmatchable) as is_unmatchable,
        min(first_seen_on) as first_seen_on
    from records
    group by client_id

),

final as (

    select
        golden.client_id,
        golden.legal_name,
        golden.siren,
        golden.vat_number,
        golden.billing_address.street as billing_street,
        golden.billing_address.postal_code as billing_postal_code,
        golden.billing_address.city as billing_city,
        golden.billing_address.country as billing_country,
        golden.phone,
        golden.domains,
        golden.owner_crm_user_id,
        -- no source record carries a segment (an ERP-only client): the ERP's contract value
        coalesce(golden.segment, derived_segments.derived_segment) as segment,
        golden.industry,
        golden.source_systems,
        golden.source_records,
        golden.erp_records,
        golden.crm_records,
        golden.support_records,
        golden.is_unmatchable,
        golden.first_seen_on,
        client_ids.anchor_record_key,
        client_ids.created_in_run,
        golden.legal_name_source,
        golden.siren_source,
        golden.vat_number_source,
        golden.billing_address_source,
        golden.phone_source,
        golden.owner_source,
        golden.segment_source,
        golden.industry_source,
        golden.segment is null and derived_segments.derived_segment is not null
            as is_segment_derived
    from golden
    inner join client_ids
        on golden.client_id = client_ids.client_id
    left join derived_segments
        on golden.client_id = derived_segments.client_id

)

select * from final
