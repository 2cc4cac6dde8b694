{#
    Qualification quality per rep and month (KPI-DEFINITIONS.md, Lost and refused requests):
    the share of the rep's losses (lost opportunities and disqualified leads of the month;
    refused ERP quotes have no rep) that have a reason the seed lost_reasons maps and a
    non-empty detail. Grain: month, owner_crm_user_id.
#}

with

lost as (

    select * from {{ ref('fct_lost_requests') }}
    where owner_crm_user_id is not null

),

final as (

    select
        lost_month as month,
        owner_crm_user_id,
        count(*) as lost_requests,
        count(*) filter (where has_mapped_reason) as with_mapped_reason,
        count(*) filter (where has_mapped_reason and has_detail) as well_qualified,
        round(
            count(*) filter (where has_mapped_reason and has_detail) / count(*), 4
        )::double as qualification_quality
    from lost
    group by all

)

select * from final
