{#
    The pipeline through its six stages, per month, segment and rep (KPI-DEFINITIONS.md,
    Pipeline). Grain: month, segment, owner_crm_user_id, pipeline_stage, where `all` in
    segment or owner_crm_user_id is every segment or rep (rows exist per segment with rep
    `all`, and per rep with segment `all`), and pipeline_stage `all` holds the deal-level
    measures:
    - on stage rows (qualification to negotiation_closing): entry cohort conversion =
      opportunities that entered the stage in the month and later reached a later stage (won
      counts, lost does not; skipped stages count as reached) / those that entered it;
      regressions out of the stage in the month; time in stage (median, p75, p90 days) of
      the visits that ended in the month; pipeline and weighted pipeline at the month's end,
      and apart from them the past-due deals (expected close date, as known at the month's
      end, before the month: macros/past_due.sql), count and amount;
    - on `all` rows: win rate by count (won / won + lost closed in the month) and by amount,
      sales cycle of the deals won in the month (median and p90 days from creation to close),
      pipeline and weighted pipeline at the month's end, opportunities created.
    is_complete: a stage row's entry cohort has had the stage's 90th percentile of time in
    stage since the month's end to move on (until then its conversion reads low only because
    the deals had no time); an `all` row's month has ended. Conversions of an incomplete
    cohort are published, flagged, and the semantic layer leaves them out.
    Weighted pipeline = amount x probability (a fraction): the deal's own probability for its
    current stage, and the CRM stage's default (seed crm_stages) for past month-ends, which
    the CRM does not keep. Visits whose start the histories missed are not in the month-end
    pipeline. The current month runs to the as-of date. Segment and rep are the deal's current
    ones. Amounts in the reporting currency.
#}

with

visits as (

    select * from {{ ref('fct_opportunity_stage_visits') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

stages as (

    select * from {{ ref('crm_stages') }}

),

close_date_changes as (

    select
        crm_opportunity_id,
        changed_at,
        new_value::date as expected_close_date
    from {{ ref('int_opportunity_changes_reconciled') }}
    where field = 'expected_close_date'
    -- two changes at one instant (one inferred, one recorded): the later in the history wins
    qualify row_number() over (
        partition by crm_opportunity_id, changed_at order by change_number desc
    ) = 1

),

months as (

    select {{ date_series_rows(
        "(select date_trunc('month', min(created_at)) from opportunities)",
        "(select date_trunc('month', max(as_of_date)) from opportunities)",
        "interval 1 month"
    ) }} as month

),

as_of as (

    select max(as_of_date) as as_of_date from opportunities

),

stage_time_p90 as (

    -- how long a deal usually waits in each stage: an entry cohort is complete once its
    -- month's end plus that 90th percentile has passed
    select
        pipeline_stage,
        {{ quantile("days_in_stage", "0.9") }} as p90_days
    from visits
    where stage_number <= 5 and days_in_stage is not null and exited_at is not null
    group by pipeline_stage

),

later_reached as (

    -- the latest visit number at which each opportunity was at each open stage or beyond
    select
        entries.crm_opportunity_id,
        entries.visit_number,
        bool_or(
            later.visit_number > entries.visit_number
            and later.stage_number > entries.stage_number
            and later.pipeline_stage <> 'lost'
        ) as has_reached_later_stage
    from visits as entries
    inner join visits as later
        on entries.crm_opportunity_id = later.crm_opportunity_id
    group by entries.crm_opportunity_id, entries.visit_number

),

stage_entries as (

    -- one entry per opportunity, stage and month: the first one
    select
        date_trunc('month', visits.entered_at)::date as month,
        visits.segment,
        visits.owner_crm_user_id,
        visits.pipeline_stage,
        visits.crm_opportunity_id,
        later_reached.has_reached_later_stage
    from visits
    inner join later_reached
        on
            visits.crm_opportunity_id = later_reached.crm_opportunity_id
            and visits.visit_number = later_reached.visit_number
    where visits.entered_at is not null and visits.stage_number <= 5
    qualify row_number() over (
        partition by
            visits.crm_opportunity_id, visits.pipeline_stage,
            date_trunc('month', visits.entered_at)
        order by visits.visit_number
    ) = 1

),

open_at_month_end as (

    select
        months.month,
        visits.segment,
        visits.owner_crm_user_id,
        visits.pipeline_stage,
        visits.crm_opportunity_id,
        opportunities.amount_reporting,
        -- decimal, not double: a sum of doubles depends on the order of a parallel
        -- aggregation, and its cents could change from one build to the next
        (opportunities.amount_reporting * case
            when visits.is_open_visit then opportunities.probability
            else stages.default_probability
        end)::decimal(18, 4) as weighted_amount
    from visits
    inner join opportunities
        on visits.crm_opportunity_id = opportunities.crm_opportunity_id
    inner join stages
        on visits.crm_stage = stages.crm_stage
    inner join months
        on
            visits.entered_at < months.month + interval 1 month
            and (
                visits.exited_at >= months.month + interval 1 month
                or (visits.is_open_visit and visits.exited_at is null)
            )
    where visits.stage_number <= 5 and visits.entered_at is not null

),

month_end_stock as (

    -- the expected close date as the histories knew it at the month's end decides past due
    select
        open_at_month_end.*,
        {{ is_past_due('close_date_changes.expected_close_date', 'open_at_month_end.month') }}
            as is_past_due
    from open_at_month_end
    asof left join close_date_changes
        on
            open_at_month_end.crm_opportunity_id = close_date_changes.crm_opportunity_id
            and (open_at_month_end.month + interval 1 month)::timestamp
            > close_date_changes.changed_at

),

month_end_stock_with_total as (

    select * from month_end_stock
    union all
    select * replace ('all' as pipeline_stage) from month_end_stock

),

events as (

    -- one branch per kind of event, each naming only its own measures: `union all by name`
    -- fills the others with nulls (the first branch fixes their types)
    select
        month,
        segment,
        owner_crm_user_id,
        pipeline_stage,
        crm_opportunity_id as entered_opportunity_id,
        case when has_reached_later_stage then crm_opportunity_id end as converted_opportunity_id,
        null::integer as regression,
        null::decimal(10, 2) as completed_days_in_stage,
        cast(null as {{ type_text() }}) as open_opportunity_id,
        null::decimal(18, 2) as open_amount,
        null::decimal(18, 4) as weighted_amount,
        cast(null as {{ type_text() }}) as past_due_opportunity_id,
        null::decimal(18, 2) as past_due_amount,
        cast(null as {{ type_text() }}) as won_opportunity_id,
        cast(null as {{ type_text() }}) as lost_opportunity_id,
        null::decimal(18, 2) as won_amount,
        null::decimal(18, 2) as closed_amount,
        null::integer as sales_cycle_days,
        cast(null as {{ type_text() }}) as created_opportunity_id
    from stage_entries

    union all by name

    select
        date_trunc('month', exited_at)::date as month,
        segment,
        owner_crm_user_id,
        pipeline_stage,
        days_in_stage as completed_days_in_stage
    from visits
    where stage_number <= 5 and days_in_stage is not null and exited_at is not null

    union all by name

    select
        date_trunc('month', entered_at)::date as month,
        segment,
        owner_crm_user_id,
        previous_pipeline_stage as pipeline_stage,
        1 as regression
    from visits
    where is_regression and entered_at is not null

    union all by name

    -- the month-end pipeline, per stage and once more for the `all` stage; past-due deals
    -- are counted apart, neither current nor weighted pipeline
    select
        month,
        segment,
        owner_crm_user_id,
        pipeline_stage,
        case when not is_past_due then crm_opportunity_id end as open_opportunity_id,
        case when not is_past_due then amount_reporting end as open_amount,
        case when not is_past_due then weighted_amount end as weighted_amount,
        case when is_past_due then crm_opportunity_id end as past_due_opportunity_id,
        case when is_past_due then amount_reporting end as past_due_amount
    from month_end_stock_with_total

    union all by name

    select
        date_trunc('month', closed_at)::date as month,
        segment,
        owner_crm_user_id,
        'all' as pipeline_stage,
        case when is_won then crm_opportunity_id end as won_opportunity_id,
        case when is_lost then crm_opportunity_id end as lost_opportunity_id,
        case when is_won then amount_reporting end as won_amount,
        amount_reporting as closed_amount,
        case when is_won then {{ date_difference('day', "created_at::date", "closed_at::date") }} end
            as sales_cycle_days
    from opportunities
    where is_closed and closed_at is not null

    union all by name

    select
        date_trunc('month', created_at)::date as month,
        segment,
        owner_crm_user_id,
        'all' as pipeline_stage,
        crm_opportunity_id as created_opportunity_id
    from opportunities
    where created_at is not null

),

aggregated as (

    select
        month,
        case when grouping(segment) = 1 then 'all' else coalesce(segment, 'unknown') end as segment,
        case
            when grouping(owner_crm_user_id) = 1 then 'all'
            else coalesce(owner_crm_user_id, 'unknown')
        end as owner_crm_user_id,
        pipeline_stage,
        count(distinct entered_opportunity_id) as entered_opportunities,
        count(distinct converted_opportunity_id) as converted_opportunities,
        coalesce(sum(regression), 0)::bigint as regressions_out,
        {{ median_of('completed_days_in_stage') }} as median_days_in_stage,
        {{ quantile("completed_days_in_stage", "0.75") }} as p75_days_in_stage,
        {{ quantile("completed_days_in_stage", "0.9") }} as p90_days_in_stage,
        count(distinct open_opportunity_id) as open_opportunities,
        coalesce(sum(open_amount), 0) as pipeline_amount,
        coalesce(sum(weighted_amount), 0) as weighted_pipeline_amount,
        count(distinct past_due_opportunity_id) as past_due_opportunities,
        coalesce(sum(past_due_amount), 0) as past_due_amount,
        count(distinct won_opportunity_id) as won_opportunities,
        count(distinct lost_opportunity_id) as lost_opportunities,
        coalesce(sum(won_amount), 0) as won_amount,
        coalesce(sum(closed_amount), 0) as closed_amount,
        {{ median_of('sales_cycle_days') }} as median_sales_cycle_days,
        {{ quantile("sales_cycle_days", "0.9") }} as p90_sales_cycle_days,
        count(distinct created_opportunity_id) as created_opportunities
    from events
    group by grouping sets (
        (month, pipeline_stage),
        (month, segment, pipeline_stage),
        (month, owner_crm_user_id, pipeline_stage)
    )

),

completeness as (

    -- stage rows: the entry cohort has had its stage's p90 time to move on; `all` rows (deals
    -- closed or won in the month): the month has ended
    select
        aggregated.*,
        {{ add_days(
            'last_day(aggregated.month)',
            'cast(ceil(coalesce(stage_time_p90.p90_days, 0)) as integer)',
        ) }} <= as_of.as_of_date as is_complete
    from aggregated
    cross join as_of
    left join stage_time_p90
        on aggregated.pipeline_stage = stage_time_p90.pipeline_stage

),

final as (

    select
        month,
        segment,
        owner_crm_user_id,
        pipeline_stage,
        entered_opportunities,
        converted_opportunities,
        round(converted_opportunities / nullif(entered_opportunities, 0), 4)::double as conversion_rate,
        regressions_out,
        round(median_days_in_stage, 2)::decimal(10, 2) as median_days_in_stage,
        round(p75_days_in_stage, 2)::decimal(10, 2) as p75_days_in_stage,
        round(p90_days_in_stage, 2)::decimal(10, 2) as p90_days_in_stage,
        open_opportunities,
        pipeline_amount::decimal(18, 2) as pipeline_amount,
        weighted_pipeline_amount::decimal(18, 2) as weighted_pipeline_amount,
        past_due_opportunities,
        past_due_amount::decimal(18, 2) as past_due_amount,
        won_opportunities,
        lost_opportunities,
        round(won_opportunities / nullif(won_opportunities + lost_opportunities, 0), 4)::double
            as win_rate_by_count,
        won_amount::decimal(18, 2) as won_amount,
        closed_amount::decimal(18, 2) as closed_amount,
        round(won_amount / nullif(closed_amount, 0), 4)::double as win_rate_by_amount,
        round(median_sales_cycle_days, 2)::decimal(10, 2) as median_sales_cycle_days,
        round(p90_sales_cycle_days, 2)::decimal(10, 2) as p90_sales_cycle_days,
        created_opportunities,
        is_complete
    from completeness

)

select * from final
