{#
    Slipping and stalled deals (KPI-DEFINITIONS.md, Forecast and slippage). A slip is a move
    of the expected close date to a later month (a move within the month is not one), from the
    reconciled close-date changes (int_opportunity_changes_reconciled). days_slipped adds up
    the days of every slip; amount_slipped is the deal's amount (reporting currency) when it
    slipped at least once. A deal is stalled when it is open and its stage has not changed for
    more than var stalled_deal_days days at the as-of date (the latest opportunity extract),
    counting from its last stage change (or its creation).

    Grain: one row per opportunity that slipped at least once or is stalled.
#}

with

changes as (

    select * from {{ ref('int_opportunity_changes_reconciled') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

close_date_moves as (

    select
        crm_opportunity_id,
        change_number,
        old_value::date as old_close_date,
        new_value::date as new_close_date,
        changed_at,
        date_trunc('month', new_value::date) > date_trunc('month', old_value::date) as is_slip
    from changes
    where field = 'expected_close_date' and change_number > 0

),

slips as (

    select
        crm_opportunity_id,
        count(*) filter (where is_slip) as slip_count,
        sum({{ date_difference(
            'day',
            "old_close_date",
            "new_close_date"
        ) }}) filter (where is_slip)::bigint as days_slipped,
        min(changed_at) filter (where is_slip) as first_slipped_at,
        max(changed_at) filter (where is_slip) as last_slipped_at
    from close_date_moves
    group by crm_opportunity_id

),

first_close_dates as (

    select
        crm_opportunity_id,
        new_value::date as first_known_close_date
    from changes
    where field = 'expected_close_date' and change_number = 0

),

last_stage_changes as (

    select
        crm_opportunity_id,
        max(changed_at) as last_stage_change_at
    from changes
    where field = 'stage'
    group by crm_opportunity_id

),

joined as (

    select
        opportunities.crm_opportunity_id,
        opportunities.client_id,
        opportunities.segment,
        opportunities.owner_crm_user_id,
        opportunities.crm_stage,
        opportunities.pipeline_stage,
        opportunities.is_closed,
        opportunities.amount_reporting,
        first_close_dates.first_known_close_date,
        opportunities.expected_close_date,
        coalesce(slips.slip_count, 0) as slip_count,
        coalesce(slips.days_slipped, 0) as days_slipped,
        slips.first_slipped_at,
        slips.last_slipped_at,
        last_stage_changes.last_stage_change_at,
        {{ date_difference(
            'day',
            "coalesce(last_stage_changes.last_stage_change_at, opportunities.created_at)::date",
            "opportunities.as_of_date"
        ) }} as days_since_stage_change,
        opportunities.as_of_date
    from opportunities
    left join slips
        on opportunities.crm_opportunity_id = slips.crm_opportunity_id
    left join first_close_dates
        on opportunities.crm_opportunity_id = first_close_dates.crm_opportunity_id
    left join last_stage_changes
        on opportunities.crm_opportunity_id = last_stage_changes.crm_opportunity_id

),

final as (

    select
        crm_opportunity_id,
        client_id,
        segment,
        owner_crm_user_id,
        crm_stage,
        pipeline_stage,
        is_closed,
        first_known_close_date,
        expected_close_date,
        slip_count,
        days_slipped,
        case when slip_count > 0 then amount_reporting else 0 end::decimal(18, 2) as amount_slipped,
        slip_count >= 2 as is_repeat_slipper,
        first_slipped_at,
        last_slipped_at,
        last_stage_change_at,
        days_since_stage_change,
        not is_closed and days_since_stage_change > {{ var('stalled_deal_days') }} as is_stalled,
        as_of_date
    from joined

)

select * from final
where slip_count > 0 or is_stalled
