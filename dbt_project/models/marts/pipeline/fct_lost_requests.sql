{#
    Every lost or refused request (KPI-DEFINITIONS.md, Lost and refused requests): the lost
    opportunities, disqualified leads and refused ERP quotes of int_requests_closed, each with
    its reason group from the seed lost_reasons (matched on request_kind and the raw reason),
    the raw reason and the free-text detail, and the client, segment, channel, rep and month
    int_requests_closed gives it.

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

final as (

    select
        closed_requests.request_kind,
        closed_requests.request_id,
        closed_requests.request_type,
        closed_requests.client_id,
        closed_requests.segment,
        closed_requests.channel,
        closed_requests.owner_crm_user_id,
        closed_requests.closed_at as lost_at,
        closed_requests.closed_month as lost_month,
        closed_requests.raw_reason,
        closed_requests.reason_detail,
        case
            when closed_requests.raw_reason is null then 'other'
            else reasons.reason_group
        end as reason_group,
        reasons.reason_group is not null as has_mapped_reason,
        closed_requests.reason_detail is not null as has_detail,
        closed_requests.competitor,
        closed_requests.amount_reporting
    from closed_requests
    left join reasons
        on
            closed_requests.request_kind = reasons.request_kind
            and closed_requests.raw_reason = reasons.raw_reason
    where closed_requests.is_lost

)

select * from final
