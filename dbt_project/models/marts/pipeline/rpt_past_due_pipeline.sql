{#
    Past-due pipeline as of the as-of date (KPI-DEFINITIONS.md, Pipeline): the open deals
    whose expected close date is before the as-of month (int_open_pipeline), reported apart
    from the current pipeline, by age since that date, segment and rep. Grain:
    past_due_age_band, segment, owner_crm_user_id, with `all` for every band, every segment
    or every rep (rows per band and segment with every rep, and per band and rep with every
    segment).
#}

with

open_pipeline as (

    select * from {{ ref('int_open_pipeline') }}
    where is_past_due

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

aggregated as (

    select
        case
            when grouping(past_due_age_band) = 1 then 'all' else past_due_age_band
        end as past_due_age_band,
        case when grouping(segment) = 1 then 'all' else coalesce(segment, 'unknown') end as segment,
        case
            when grouping(owner_crm_user_id) = 1 then 'all'
            else coalesce(owner_crm_user_id, 'unknown')
        end as owner_crm_user_id,
        count(*) as past_due_opportunities,
        sum(amount_reporting) as past_due_amount,
        sum(amount_reporting * probability) as excluded_weighted_amount,
        min(expected_close_date) as oldest_expected_close_date,
        max(days_past_due) as max_days_past_due
    from open_pipeline
    group by grouping sets (
        (past_due_age_band, segment),
        (past_due_age_band, owner_crm_user_id),
        (past_due_age_band),
        (segment),
        ()
    )

),

final as (

    select
        aggregated.past_due_age_band,
        aggregated.segment,
        aggregated.owner_crm_user_id,
        aggregated.past_due_opportunities,
        aggregated.past_due_amount::decimal(18, 2) as past_due_amount,
        aggregated.excluded_weighted_amount::decimal(18, 2) as excluded_weighted_amount,
        aggregated.oldest_expected_close_date,
        aggregated.max_days_past_due,
        as_of.as_of_date
    from aggregated
    cross join as_of

)

select * from final
