{#
    A segment for every client with MRR, derived from what the ERP holds: the MRR of the
    client's first month (its first contract, in the reporting currency, before any expansion
    or contraction), banded by var derived_segment_min_mrr. dim_clients uses it only for a
    client whose source records carry no segment (a client the CRM does not know), and flags
    it as derived. Grain: client_id.
#}

{% set bands = var('derived_segment_min_mrr') %}

with

mrr as (

    select * from {{ ref('fct_mrr') }}

),

first_months as (

    select
        client_id,
        month as first_mrr_month,
        mrr as first_month_mrr
    from mrr
    where mrr > 0
    -- the first month with MRR is the first contract, before expansions and contractions
    qualify row_number() over (partition by client_id order by month) = 1

),

final as (

    select
        client_id,
        first_mrr_month,
        first_month_mrr,
        case
            when first_month_mrr >= {{ bands['enterprise'] }} then 'enterprise'
            when first_month_mrr >= {{ bands['mid_market'] }} then 'mid_market'
            else 'smb'
        end as derived_segment
    from first_months

)

select * from final
