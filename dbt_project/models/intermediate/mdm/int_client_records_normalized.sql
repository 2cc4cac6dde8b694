{#
    The match attributes of every client source record, normalised (macros/normalize.sql):
    the input of the matcher (salesdw.mdm), which runs between this model and the marts.
    A record with no usable name nor identifier is kept and flagged, never dropped.
#}

with

records as (

    select
        *,
        {{ company_name_words('company_name') }} as name_words
    from {{ ref('int_client_records_unioned') }}

),

normalised as (

    select
        record_key,
        source_system,
        source_entity,
        source_id,
        first_seen_on,
        company_name,
        {{ company_name_from_words('name_words') }} as name_norm,
        -- a trailing country or city ("Philips France"): compared apart from the name
        {{ company_name_place_from_words('name_words') }} as name_place,
        -- the identifier in a VAT number is key-checked, so it wins over a typed SIREN
        coalesce({{ siren_from_fr_vat('vat_number') }}, {{ valid_siren('siren') }}) as siren,
        {{ array_sorted(array_distinct_values(array_filter(
            array_transform("coalesce(domains, " ~ array_of([]) ~ ")", 'd', 'lower(trim(d))'),
            'd', corporate_domain('d') ~ " is not null and d <> ''"
        ))) }} as domains,
        coalesce(
            {{ phone_e164('phone') }},
            case when length({{ digits_only('phone') }}) >= 7 then {{ digits_only('phone') }} end
        ) as phone,
        {{ normalize_street('street') }} as street,
        {{ postcode_normalized('postal_code') }} as postcode,
        {{ normalize_city('city') }} as city,
        linked_record_key
    from records

)

select
    *,
    {{ company_name_token_key('name_norm') }} as name_key,
    regexp_extract(street, '^[0-9]+', 0) as street_number,
    (
        name_norm is null and siren is null and {{ array_length('domains') }} = 0 and phone is null
        and linked_record_key is null
    ) as is_unmatchable
from normalised
