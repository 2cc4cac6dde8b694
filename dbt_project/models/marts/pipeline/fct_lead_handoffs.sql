{#
    Every CRM lead on its way through the hand-off funnel: created by its owner (an SDR, an
    MDR or an AE: the owner's ERP role), converted into an opportunity, handed off (that
    opportunity is owned by another rep than the lead: the SDR or MDR qualified it, an AE
    carries it), won.

    converted_at: the lead's last update while converted (the contract has no conversion
    date; a CRM that edits converted leads later moves it). A converted lead whose
    opportunity was deleted, or never landed, is converted but not handed off.
    days_to_conversion: created -> converted; days_conversion_to_win: converted -> won (the
    opportunity's close), never negative (an opportunity opened before the lead's conversion,
    and won before it, counts 0).

    Grain: one row per lead.
#}

with

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

reps as (

    select * from {{ ref('int_sales_reps_joined') }}

),

joined as (

    select
        leads.crm_lead_id,
        leads.source_channel,
        leads.status,
        leads.owner_crm_user_id,
        coalesce(lead_owners.erp_role, 'unknown') as owner_role,
        leads.created_at,
        cast(date_trunc('month', leads.created_at) as date) as created_month,
        leads.status = 'converted' as is_converted,
        case when leads.status = 'converted' then leads.updated_at end as converted_at,
        case
            when leads.status = 'converted' then leads.converted_crm_opportunity_id
        end as converted_crm_opportunity_id,
        opportunities.owner_crm_user_id as opportunity_owner_crm_user_id,
        case
            when opportunities.crm_opportunity_id is not null
                then coalesce(opportunity_owners.erp_role, 'unknown')
        end as opportunity_owner_role,
        opportunities.client_id,
        coalesce(opportunities.is_won, false) as is_won,
        case when opportunities.is_won then opportunities.closed_at end as won_at
    from leads
    left join reps as lead_owners
        on leads.owner_crm_user_id = lead_owners.crm_user_id
    left join opportunities
        on
            leads.status = 'converted'
            and leads.converted_crm_opportunity_id = opportunities.crm_opportunity_id
    left join reps as opportunity_owners
        on opportunities.owner_crm_user_id = opportunity_owners.crm_user_id

),

final as (

    select
        crm_lead_id,
        source_channel,
        status,
        owner_crm_user_id,
        owner_role,
        created_at,
        created_month,
        is_converted,
        converted_at,
        converted_crm_opportunity_id,
        opportunity_owner_crm_user_id,
        opportunity_owner_role,
        client_id,
        coalesce(
            is_converted
            and opportunity_owner_crm_user_id is not null
            and opportunity_owner_crm_user_id <> owner_crm_user_id,
            false
        ) as is_handoff,
        is_won,
        won_at,
        cast({{ date_difference('day', 'created_at', 'converted_at') }} as bigint)
            as days_to_conversion,
        case
            -- greatest() skips nulls: only a won deal has a time to win
            when won_at is not null
                then cast(
                    greatest({{ date_difference('day', 'converted_at', 'won_at') }}, 0) as bigint
                )
        end as days_conversion_to_win
    from joined

)

select * from final
