{#
    Every lost or refused request (KPI-DEFINITIONS.md, Lost and refused requests): the lost
    opportunities, disqualified leads and refused ERP quotes of int_requests_closed, each with
    its reason group from the seed lost_reasons (matched on request_kind and the raw reason),
    the raw reason and the free-text detail, and the client, segment, channel, rep and month
    int_requests_closed gives it; who asked (a deal's contact from dim_client_contacts, a
    lead's own title) and on what conditions (lead source, campaign, product family from
    int_product_requests, size band from the seed deal_size_bands, competitor named).

    A request lost without any reason gets the group `other` and has_mapped_reason false. A
    raw reason the seed does not list gets no group (null): the tests not_null on
    reason_group and tests/assert_every_lost_reason_is_mapped.sql fail the build until the
    seed says what it means.

    Grain: one row per request_kind and request_id. lost_at: the opportunity's close time,
    or the last change of the lead or quote (its disqualification or refusal).
#}

with

closed_requests as (

    select * from {{ ref('int_requests_closed') }}

),

reasons as (

    select * from {{ ref('lost_reasons') }}

),

contacts as (

    select * from {{ ref('dim_client_contacts') }}

),

product_requests as (

    select * from {{ ref('int_product_requests') }}

),

size_bands as (

    select * from {{ ref('deal_size_bands') }}

),

lost as (

    select
        closed_requests.*,
        coalesce(contacts.job_title, closed_requests.lead_job_title) as job_title
    from closed_requests
    left join contacts
        on closed_requests.crm_contact_id = contacts.crm_contact_id
    where closed_requests.is_lost

),

final as (

    select
        lost.request_kind,
        lost.request_id,
        lost.request_type,
        lost.client_id,
        lost.segment,
        lost.channel,
        lost.lead_source,
        lost.campaign,
        lost.crm_contact_id,
        lost.job_title,
        {{ is_decision_maker_title('lost.job_title') }} as is_decision_maker,
        -- a deal names a contact, a lead is one: either way someone the rep can name
        lost.crm_contact_id is not null
        or (lost.request_kind = 'disqualified_lead' and lost.job_title is not null)
            as has_named_contact,
        lost.owner_crm_user_id,
        lost.closed_at as lost_at,
        lost.closed_month as lost_month,
        lost.raw_reason,
        lost.reason_detail,
        case
            when lost.raw_reason is null then 'other'
            else reasons.reason_group
        end as reason_group,
        reasons.reason_group is not null as has_mapped_reason,
        lost.reason_detail is not null as has_detail,
        lost.competitor,
        coalesce(trim(lost.competitor), '') <> '' as has_competitor_named,
        case
            when lost.request_kind = 'disqualified_lead' then 'none'
            else coalesce(product_requests.family, 'unmapped')
        end as product_family,
        lost.amount_reporting,
        coalesce(size_bands.size_band, 'unknown') as size_band
    from lost
    left join reasons
        on
            lost.request_kind = reasons.request_kind
            and lost.raw_reason = reasons.raw_reason
    left join product_requests
        on
            lost.request_id = product_requests.request_id
            and product_requests.request_kind
            = case lost.request_kind when 'lost_opportunity' then 'opportunity' else 'quote' end
    left join size_bands
        on
            lost.amount_reporting >= size_bands.min_amount
            and (lost.amount_reporting < size_bands.max_amount or size_bands.max_amount is null)

)

select * from final
