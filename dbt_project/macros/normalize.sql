{#
    Normalisation of the attributes that master-data matching compares.
    Each macro returns one SQL expression, portable (DuckDB and Spark, macros/cross_db.sql); the word lists come from vars in
    dbt_project.yml so that a deployment can extend them without touching SQL.
    Edge cases are tested in tests/dbt/test_normalize_macros.py.
#}

{% macro _word_alternation(words) -%}
    \b({{ words | join('|') }})\b
{%- endmacro %}


{# A company name's words, before stop words go: lower case, Latin letters transliterated
   (ß, æ, œ, ø, ł, đ, þ) and accents removed, letters of other scripts kept, "&" read as "et", punctuation gone, abbreviations
   unified, legal forms removed, whether written alone, dotted or in several words (N.V.,
   S.p.A., GmbH & Co. KG, A/S, S.A. de C.V., K.K.). #}
{% macro company_name_words(column) -%}
    {%- set transliterated -%}
        translate(
            replace(replace(replace(replace(
                lower({{ column }}), 'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'), 'þ', 'th'),
            'øłđı', 'oldi'
        )
    {%- endset -%}
    trim(regexp_replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        regexp_replace(
                            replace(replace({{ strip_accents(transliterated) }}, '.', ''), '&', ' et '),
                            '[^\pL\pN]+', ' '{{ regexp_global() }}
                        ),
                        '\bcompagnie\b', 'cie'{{ regexp_global() }}
                    ),
                    '\b(international|internationale)\b', 'intl'{{ regexp_global() }}
                ),
                '{{ _word_alternation(var("legal_form_phrases")) }}', ' '{{ regexp_global() }}
            ),
            '{{ _word_alternation(var("legal_forms")) }}', ' '{{ regexp_global() }}
        ),
        '\s+', ' '{{ regexp_global() }}
    ))
{%- endmacro %}


{# True when the words end with a country or city qualifier ("philips france", "siemens
   munich"): a place from var("name_places") after at least one other word, and not after a
   preposition, where it is part of the name ("boulangerie de lyon", "bank of america"). #}
{% macro _has_place_qualifier(words) -%}
    (
        {{ regexp_contains(words, "'^.*[a-z0-9] (" ~ var("name_places") | join("|") ~ ")$'") }}
        and not {{ regexp_contains(
            words, "'\\b(" ~ var("name_place_prepositions") | join("|") ~ ") (" ~ var("name_places") | join("|") ~ ")$'"
        ) }}
    )
{%- endmacro %}


{# The trailing country or city qualifier of a company name, or null: a separate signal for
   matching ("Philips France" and "Philips" agree on the name; their places are compared
   apart). `_from_words` takes the output of company_name_words. #}
{% macro company_name_place(column) -%}
    {{ company_name_place_from_words(company_name_words(column)) }}
{%- endmacro %}

{% macro company_name_place_from_words(words) -%}
    case when {{ _has_place_qualifier(words) }} then regexp_extract(
        {{ words }}, ' ({{ var("name_places") | join("|") }})$', 1
    ) end
{%- endmacro %}


{# Company name for comparison: the words above without a trailing place qualifier and
   without stop words ("the", "koninklijke", "groupe", "and", "et", "und"), spaces collapsed.
   "Sté DUPONT & Fils, S.A.R.L." -> "dupont fils"; "Koninklijke Philips N.V." -> "philips".
   `_from_words` takes the output of company_name_words. #}
{% macro normalize_company_name(column) -%}
    {{ company_name_from_words(company_name_words(column)) }}
{%- endmacro %}

{% macro company_name_from_words(words) -%}
    nullif(trim(regexp_replace(
        regexp_replace(
            case
                when {{ _has_place_qualifier(words) }}
                    then regexp_replace({{ words }}, ' ({{ var("name_places") | join("|") }})$', '')
                else {{ words }}
            end,
            '{{ _word_alternation(var("name_stop_words")) }}', ' '{{ regexp_global() }}
        ),
        '\s+', ' '{{ regexp_global() }}
    )), '')
{%- endmacro %}


{# The normalised name with its words sorted, so that word order does not matter:
   "martin transports" and "transports martin" give the same key. #}
{% macro company_name_token_key(normalized_column) -%}
    nullif({{ array_join(array_sorted(string_split(normalized_column, "' '")), "' '") }}, '')
{%- endmacro %}


{# Digits only: "732 829 320", "732.829.320" -> "732829320". #}
{% macro digits_only(column) -%}
    regexp_replace(coalesce({{ column }}, ''), '[^0-9]', ''{{ regexp_global() }})
{%- endmacro %}


{# Luhn checksum of a string of exactly `length` digits: true when valid. From the right,
   every second digit is doubled (minus 9 when above 9) and the sum must end in 0. #}
{% macro luhn_is_valid(digits, length) -%}
    (
    {%- set digit = "cast(substr(" ~ digits ~ ", i + 1, 1) as integer)" %}
        {{ regexp_full_match(digits, "'[0-9]{" ~ length ~ "}'") }}
        and {{ array_sum(array_transform(integer_range(length), 'i',
            "case
                when (" ~ length ~ " - 1 - i) % 2 = 1
                    then " ~ digit ~ " * 2 - case when " ~ digit ~ " * 2 > 9 then 9 else 0 end
                else " ~ digit ~ "
            end"
        )) }} % 10 = 0
    )
{%- endmacro %}


{# A SIREN (9 digits, Luhn) when the value is one, else null. #}
{% macro valid_siren(column) -%}
    case when {{ luhn_is_valid(digits_only(column), 9) }} then {{ digits_only(column) }} end
{%- endmacro %}


{# A SIRET (14 digits, Luhn) when the value is one, else null. La Poste's establishments
   (SIREN 356000000) use a different rule: their digit sum is a multiple of 5. #}
{% macro valid_siret(column) -%}
    case
        when {{ luhn_is_valid(digits_only(column), 14) }} then {{ digits_only(column) }}
        when {{ regexp_full_match(digits_only(column), "'356000000[0-9]{5}'") }}
            and {{ array_sum(array_transform(integer_range(14), 'i',
                "cast(substr(" ~ digits_only(column) ~ ", i + 1, 1) as integer)")) }} % 5 = 0
            then {{ digits_only(column) }}
    end
{%- endmacro %}


{# The SIREN inside a French VAT number (FR + 2-digit key + SIREN) when the key checks:
   key = (12 + 3 * (SIREN mod 97)) mod 97. Spaces and case are ignored. #}
{% macro siren_from_fr_vat(column) -%}
    case
        when {{ regexp_full_match(
            "upper(regexp_replace(coalesce(" ~ column ~ ", ''), '[^0-9A-Za-z]', ''" ~ regexp_global() ~ "))",
            "'FR[0-9]{11}'"
        ) }}
            and cast(substr(upper(regexp_replace({{ column }}, '[^0-9A-Za-z]', ''{{ regexp_global() }})), 3, 2) as integer)
                = (12 + 3 * (cast(right(regexp_replace({{ column }}, '[^0-9A-Za-z]', ''{{ regexp_global() }}), 9) as bigint) % 97)) % 97
            and {{ luhn_is_valid("right(regexp_replace(" ~ column ~ ", '[^0-9A-Za-z]', ''" ~ regexp_global() ~ "), 9)", 9) }}
            then right(regexp_replace({{ column }}, '[^0-9A-Za-z]', ''{{ regexp_global() }}), 9)
    end
{%- endmacro %}


{# Host name of a website or URL: no scheme, no www., no path, no port, lower case. #}
{% macro web_domain(column) -%}
    nullif(regexp_replace(
        split_part(split_part(
            regexp_replace(lower(trim({{ column }})), '^[a-z]+://', ''),
        '/', 1), ':', 1),
    '^www\.|\.$', ''{{ regexp_global() }}), '')
{%- endmacro %}


{# Domain of an e-mail address, lower case. #}
{% macro email_domain(column) -%}
    nullif(regexp_replace(lower(trim(split_part({{ column }}, '@', 2))), '\.$', ''), '')
{%- endmacro %}


{# A corporate domain: the domain unless it belongs to a free-mail provider (those say
   nothing about which company a person works for). #}
{% macro corporate_domain(domain_expression) -%}
    case
        when {{ domain_expression }} in ('{{ var("free_mail_domains") | join("', '") }}') then null
        else {{ domain_expression }}
    end
{%- endmacro %}


{# A phone number in E.164 (+33123456789), assuming France for national numbers; null when
   it cannot be one. Handles "01 23 45 67 89", "+33 (0)1 23...", "0033 1...", "1 23 45 67 89". #}
{% macro phone_e164(column, default_country_code='33') -%}
    case
        when {{ _phone_digits(column) }} like '+%'
            and length({{ _phone_digits(column) }}) between 9 and 16
            then {{ _phone_digits(column) }}
        when {{ _phone_digits(column) }} like '00%'
            and length({{ _phone_digits(column) }}) between 10 and 17
            then '+' || substr({{ _phone_digits(column) }}, 3)
        when length({{ _phone_digits(column) }}) = 10 and {{ _phone_digits(column) }} like '0%'
            then '+{{ default_country_code }}' || substr({{ _phone_digits(column) }}, 2)
        when length({{ _phone_digits(column) }}) = 9 and {{ _phone_digits(column) }} not like '0%'
            then '+{{ default_country_code }}' || {{ _phone_digits(column) }}
        when length({{ _phone_digits(column) }}) = 11 and {{ _phone_digits(column) }} like '{{ default_country_code }}%'
            then '+' || {{ _phone_digits(column) }}
    end
{%- endmacro %}

{% macro _phone_digits(column) -%}
    regexp_replace(replace(coalesce({{ column }}, ''), '(0)', ''), '[^0-9+]', ''{{ regexp_global() }})
{%- endmacro %}


{# French postcode: digits only, a leading zero restored when a spreadsheet dropped it
   ("1000" -> "01000"); null unless 5 digits. #}
{% macro postcode_fr(column) -%}
    case
        when length({{ digits_only(column) }}) = 5 then {{ digits_only(column) }}
        when length({{ digits_only(column) }}) = 4 then '0' || {{ digits_only(column) }}
    end
{%- endmacro %}


{# The postcode a record is compared and published with: a French one padded to five
   digits, any other its digits. #}
{% macro postcode_normalized(column) -%}
    coalesce({{ postcode_fr(column) }}, nullif({{ digits_only(column) }}, ''))
{%- endmacro %}


{# City for comparison: lower case, no accents, no CEDEX, no arrondissement number,
   "st"/"ste" read as "saint"/"sainte", hyphens as spaces. "PARIS CEDEX 08" -> "paris",
   "St-Étienne" -> "saint etienne". #}
{% macro normalize_city(column) -%}
    nullif(trim(regexp_replace(regexp_replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(lower({{ strip_accents(column) }}), '[^a-z0-9]+', ' '{{ regexp_global() }}),
                    '\bcedex\b( [0-9]+)?', ' '{{ regexp_global() }}
                ),
                '\b[0-9]+( ?(e|er|eme))?\b', ' '{{ regexp_global() }}
            ),
            '\bste\b', 'sainte'{{ regexp_global() }}
        ),
        '\bst\b', 'saint'{{ regexp_global() }}
    ), '\s+', ' '{{ regexp_global() }})), '')
{%- endmacro %}


{# Street address for comparison: lower case, no accents, no punctuation, and each word
   that has a usual abbreviation replaced by it (var street_abbreviations): "435 S. La Cienega
   Boulevard" and "435 s la cienega blvd" both give "435 s la cienega bd". #}
{% macro normalize_street(column) -%}
    {#- linters render var() as a placeholder string: fall back to one pair for them -#}
    {%- set abbreviations = var("street_abbreviations") if var("street_abbreviations") is mapping else {"avenue": "av"} -%}
    {%- set words = string_split(
        "trim(regexp_replace(lower(" ~ strip_accents(column) ~ "), '[^a-z0-9]+', ' '" ~ regexp_global() ~ "))",
        "' '"
    ) -%}
    nullif({{ array_join(
        array_transform(words, 'w', "coalesce(" ~ map_lookup(abbreviations, 'w') ~ ", w)"),
        "' '"
    ) }}, '')
{%- endmacro %}
