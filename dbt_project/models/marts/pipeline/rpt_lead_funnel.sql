{#
    The SDR / MDR / AE hand-off funnel per month of lead creation (the cohort), lead owner's
    role and lead owner, with `all` roll-ups (per role, and the whole month): leads,
    converted into an opportunity, handed off to another rep, won; the conversion, hand-off
    and win rates; the median days at each hand-off (lead -> conversion, conversion -> win).

    Rates of a cohort too recent to have moved on are flagged (KPI-DEFINITIONS.md,
    Pipeline): the conversion rate is complete once the 90th percentile of days to
    conversion (over every converted lead) has elapsed after the month's last day, the win rate
    once that and the 90th percentile of days from conversion to win have.

    Grain: one row per created_month, owner_role, owner_crm_user_id.
#}

with

handoffs as (

    select * from {{ ref('fct_lead_handoffs') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

horizons as (

    select
        ceil(coalesce({{ quantile('days_to_conversion', 0.9) }}, 0)) as p90_days_to_conversion,
        ceil(coalesce({{ quantile('days_conversion_to_win', 0.9) }}, 0)) as p90_days_to_win
    from handoffs

),

aggregated as (

    select
        created_month,
        case when grouping(owner_role) = 1 then 'all' else owner_role end as owner_role,
        case
            when grouping(owner_crm_user_id) = 1 then 'all'
            else coalesce(owner_crm_user_id, 'unknown')
        end as owner_crm_user_id,
        count(*) as leads,
        count(case when is_converted then 1 end) as converted_leads,
        count(case when is_handoff then 1 end) as handed_off_leads,
        count(case when is_won then 1 end) as won_leads,
        {{ median_of('days_to_conversion') }} as median_days_to_conversion,
        {{ median_of('days_conversion_to_win') }} as median_days_conversion_to_win
    from handoffs
    group by grouping sets (
        (created_month, owner_role, owner_crm_user_id),
        (created_month, owner_role),
        (created_month)
    )

),

final as (

    select
        aggregated.created_month,
        aggregated.owner_role,
        aggregated.owner_crm_user_id,
        cast(aggregated.leads as bigint) as leads,
        cast(aggregated.converted_leads as bigint) as converted_leads,
        cast(aggregated.handed_off_leads as bigint) as handed_off_leads,
        cast(aggregated.won_leads as bigint) as won_leads,
        cast(
            aggregated.converted_leads / aggregated.leads as decimal(10, 4)
        ) as conversion_rate,
        cast(
            aggregated.handed_off_leads / aggregated.leads as decimal(10, 4)
        ) as handoff_rate,
        cast(
            aggregated.won_leads / nullif(aggregated.converted_leads, 0) as decimal(10, 4)
        ) as win_rate_after_conversion,
        cast(aggregated.median_days_to_conversion as decimal(10, 2))
            as median_days_to_conversion,
        cast(aggregated.median_days_conversion_to_win as decimal(10, 2))
            as median_days_conversion_to_win,
        {{ add_days(
            'last_day(aggregated.created_month)',
            'cast(horizons.p90_days_to_conversion as integer)',
        ) }} <= as_of.as_of_date as is_conversion_complete,
        {{ add_days(
            'last_day(aggregated.created_month)',
            'cast(horizons.p90_days_to_conversion + horizons.p90_days_to_win as integer)',
        ) }} <= as_of.as_of_date as is_win_complete,
        as_of.as_of_date
    from aggregated
    cross join horizons
    cross join as_of

)

select * from final
