{#
    Qualification quality per rep and month (KPI-DEFINITIONS.md, Lost and refused requests):
    the share of the rep's losses (lost opportunities and disqualified leads of the month;
    refused ERP quotes have no rep) that have a reason the seed lost_reasons maps and a
    non-empty detail; beside it the qualification score (docs/kpis.md), the mean over the
    rep's losses of four credits of a quarter each: a mapped reason; a specific detail (one
    not written verbatim on var qualification_template_min_uses losses or more, nor equal to
    its reason); a named contact; an early loss (a lead 1, a deal (5 - its stage number at
    the loss) / 4: lost in qualification 1, in negotiation or closing 0). Reps with fewer
    than var qualification_min_cases losses in the month are not ranked.
    Grain: month, owner_crm_user_id.
#}

with

lost as (

    select * from {{ ref('fct_lost_requests') }}
    where owner_crm_user_id is not null

),

stage_visits as (

    select * from {{ ref('fct_opportunity_stage_visits') }}

),

last_open_stage as (

    select
        stage_visits.crm_opportunity_id,
        stage_visits.stage_number
    from stage_visits
    where stage_visits.stage_number <= 5
    -- the latest open visit wins: a deal that went back a stage died where it ended
    qualify row_number() over (
        partition by stage_visits.crm_opportunity_id order by stage_visits.visit_number desc
    ) = 1

),

detail_uses as (

    select
        reason_detail,
        count(*) as uses
    from lost
    where reason_detail is not null
    group by reason_detail

),

credited as (

    select
        lost.lost_month,
        lost.owner_crm_user_id,
        lost.has_mapped_reason,
        lost.has_detail,
        lost.has_detail
        and detail_uses.uses < {{ var('qualification_template_min_uses') }}
        and lost.reason_detail <> coalesce(lost.raw_reason, '') as has_specific_detail,
        lost.has_named_contact,
        case
            when lost.request_kind = 'disqualified_lead' then 1.0
            else coalesce((5 - last_open_stage.stage_number) / 4.0, 0.0)
        end as early_credit
    from lost
    left join detail_uses
        on lost.reason_detail = detail_uses.reason_detail
    left join last_open_stage
        on
            lost.request_id = last_open_stage.crm_opportunity_id
            and lost.request_kind = 'lost_opportunity'

),

per_rep as (

    select
        lost_month as month,
        owner_crm_user_id,
        count(*) as lost_requests,
        count(*) filter (where has_mapped_reason) as with_mapped_reason,
        count(*) filter (where has_mapped_reason and has_detail) as well_qualified,
        round(
            count(*) filter (where has_mapped_reason and has_detail) / count(*), 4
        )::double as qualification_quality,
        count(*) filter (where has_specific_detail) as with_specific_detail,
        count(*) filter (where has_named_contact) as with_named_contact,
        round(sum(early_credit), 4)::double as early_loss_credit,
        round(
            (
                count(*) filter (where has_mapped_reason)
                + count(*) filter (where has_specific_detail)
                + count(*) filter (where has_named_contact)
                + sum(early_credit)
            ) / (4.0 * count(*)),
            4
        )::double as qualification_score,
        count(*) >= {{ var('qualification_min_cases') }} as is_ranked
    from credited
    group by all

),

final as (

    select
        *,
        case
            when is_ranked
                then rank() over (
                    partition by month, is_ranked order by qualification_score desc
                )
        end as score_rank
    from per_rep

)

select * from final
