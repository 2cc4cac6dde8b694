{#
    Forecast against actual per month, rep and team (KPI-DEFINITIONS.md, Forecast and
    slippage). Grain: month, team, owner_crm_user_id, with `all` for every rep of a team and
    for every team.
    - forecast_amount: the rep's latest `commit` forecast submitted for the month (CRM
      forecasts), in the reporting currency at the month-end rate;
    - actual_amount: won amount of the deals the rep owns with a close date in the month;
    - forecast_accuracy = 1 - |actual - forecast| / actual, null when there is no actual (a
      forecast with nothing won is not a division error) or no forecast;
      forecast_bias = actual / forecast - 1, null without a forecast;
    - commit_pipeline_at_start: the warehouse's own forecast, Σ amount of the deals in
      forecast category `commit` with an expected close date in the month, as they stood at
      the month's first instant in stg_crm__opportunity_versions. For months before the
      warehouse's first extract, whose versions it never saw, it is reconstructed from the
      reconciled stage and close-date history (int_opportunity_changes_reconciled): a deal
      counts when its stage at the month's first instant is one the CRM forecasts as commit
      (var commit_pipeline_stages) and its expected close date then falls in the month;
      is_commit_pipeline_reconstructed says so. A change both histories missed is missed.
    Team is the rep's ERP team (employees matched to CRM users by e-mail), `unknown` when
    there is no match. The owner is the deal's current owner.
#}

with

forecasts as (

    select * from {{ ref('stg_crm__forecasts') }}

),

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

versions as (

    select * from {{ ref('stg_crm__opportunity_versions') }}

),

stages as (

    select * from {{ ref('crm_stages') }}

),

stage_changes as (

    select * from {{ ref('int_opportunity_changes_reconciled') }}
    where field = 'stage'
    -- two changes at one instant (one inferred, one recorded): the later in the history wins
    qualify row_number() over (
        partition by crm_opportunity_id, changed_at order by change_number desc
    ) = 1

),

close_date_changes as (

    select * from {{ ref('int_opportunity_changes_reconciled') }}
    where field = 'expected_close_date'
    -- two changes at one instant (one inferred, one recorded): the later in the history wins
    qualify row_number() over (
        partition by crm_opportunity_id, changed_at order by change_number desc
    ) = 1

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

employees as (

    select * from {{ ref('stg_erp__employees') }}

),

rates as (

    select * from {{ ref('stg_erp__exchange_rates') }}

),

rep_teams as (

    select
        users.crm_user_id,
        coalesce(employees.team, 'unknown') as team
    from users
    left join employees
        on users.email = employees.email
    -- one team per rep: the most recently updated employee record with that e-mail wins
    qualify row_number() over (
        partition by users.crm_user_id order by employees.updated_at desc nulls last
    ) = 1

),

commit_forecasts as (

    select
        forecasts.owner_crm_user_id,
        date_trunc('month', forecasts.period_start)::date as month,
        forecasts.forecast_amount * case
            when
                forecasts.currency = '{{ var("reporting_currency") }}'
                or forecasts.currency is null
                then 1.0
            else rates.eur_per_unit
        end as forecast_amount
    from forecasts
    asof left join rates
        on
            forecasts.currency = rates.currency
            and last_day(forecasts.period_start) >= rates.rate_date
    where forecasts.category = 'commit'
    -- a re-submitted forecast replaces the earlier one: the latest submission wins
    qualify row_number() over (
        partition by forecasts.owner_crm_user_id, date_trunc('month', forecasts.period_start)
        order by forecasts.submitted_at desc, forecasts.crm_forecast_id desc
    ) = 1

),

actuals as (

    select
        owner_crm_user_id,
        date_trunc('month', closed_at)::date as month,
        sum(amount_reporting) as actual_amount,
        count(*) as won_opportunities
    from opportunities
    where is_won and closed_at is not null
    group by all

),

first_extract as (

    select min(_extract_date) as first_extract_date from versions

),

commit_pipeline as (

    select
        versions.owner_crm_user_id,
        date_trunc('month', versions.expected_close_date)::date as month,
        sum(opportunities.amount_reporting) as commit_pipeline_at_start
    from versions
    inner join opportunities
        on versions.crm_opportunity_id = opportunities.crm_opportunity_id
    where
        versions.forecast_category = 'commit'
        and versions.valid_from <= date_trunc('month', versions.expected_close_date)
        and (
            versions.valid_to > date_trunc('month', versions.expected_close_date)
            or versions.valid_to is null
        )
    group by all

),

rep_months as (

    select
        coalesce(commit_forecasts.owner_crm_user_id, actuals.owner_crm_user_id)
            as owner_crm_user_id,
        coalesce(commit_forecasts.month, actuals.month) as month,
        commit_forecasts.forecast_amount,
        coalesce(actuals.actual_amount, 0) as actual_amount,
        coalesce(actuals.won_opportunities, 0) as won_opportunities
    from commit_forecasts
    full outer join actuals
        on
            commit_forecasts.owner_crm_user_id = actuals.owner_crm_user_id
            and commit_forecasts.month = actuals.month

),

months_before_extracts as (

    select distinct rep_months.month
    from rep_months
    cross join first_extract
    where rep_months.month < date_trunc('month', first_extract.first_extract_date)

),

stage_at_start as (

    select
        months_before_extracts.month,
        opportunities.crm_opportunity_id,
        opportunities.owner_crm_user_id,
        opportunities.amount_reporting,
        stage_changes.new_value as crm_stage
    from months_before_extracts
    cross join opportunities
    asof inner join stage_changes
        on
            opportunities.crm_opportunity_id = stage_changes.crm_opportunity_id
            and months_before_extracts.month::timestamp >= stage_changes.changed_at

),

state_at_start as (

    select
        stage_at_start.*,
        close_date_changes.new_value::date as expected_close_date
    from stage_at_start
    asof inner join close_date_changes
        on
            stage_at_start.crm_opportunity_id = close_date_changes.crm_opportunity_id
            and stage_at_start.month::timestamp >= close_date_changes.changed_at

),

reconstructed_commit_pipeline as (

    select
        state_at_start.owner_crm_user_id,
        state_at_start.month,
        sum(state_at_start.amount_reporting) as commit_pipeline_at_start
    from state_at_start
    inner join stages
        on state_at_start.crm_stage = stages.crm_stage
    where
        stages.pipeline_stage in (
            {%- for stage in var('commit_pipeline_stages') %}
                '{{ stage }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
        and date_trunc('month', state_at_start.expected_close_date) = state_at_start.month
    group by all

),

rep_months_with_pipeline as (

    select
        rep_months.*,
        coalesce(rep_teams.team, 'unknown') as team,
        case
            when rep_months.month >= date_trunc('month', first_extract.first_extract_date)
                then coalesce(commit_pipeline.commit_pipeline_at_start, 0)
            else coalesce(reconstructed_commit_pipeline.commit_pipeline_at_start, 0)
        end as commit_pipeline_at_start,
        rep_months.month < date_trunc('month', first_extract.first_extract_date)
            as is_commit_pipeline_reconstructed
    from rep_months
    cross join first_extract
    left join rep_teams
        on rep_months.owner_crm_user_id = rep_teams.crm_user_id
    left join commit_pipeline
        on
            rep_months.owner_crm_user_id = commit_pipeline.owner_crm_user_id
            and rep_months.month = commit_pipeline.month
    left join reconstructed_commit_pipeline
        on
            rep_months.owner_crm_user_id = reconstructed_commit_pipeline.owner_crm_user_id
            and rep_months.month = reconstructed_commit_pipeline.month

),

aggregated as (

    select
        month,
        case when grouping(team) = 1 then 'all' else team end as team,
        case
            when grouping(owner_crm_user_id) = 1 then 'all'
            -- a deal or forecast with no owner (a CRM that leaves it empty) is not a rep's
            else coalesce(owner_crm_user_id, 'unknown')
        end as owner_crm_user_id,
        sum(forecast_amount) as forecast_amount,
        sum(actual_amount) as actual_amount,
        sum(won_opportunities) as won_opportunities,
        sum(commit_pipeline_at_start) as commit_pipeline_at_start,
        bool_or(is_commit_pipeline_reconstructed) as is_commit_pipeline_reconstructed
    from rep_months_with_pipeline
    group by grouping sets ((month, team, owner_crm_user_id), (month, team), (month))

),

final as (

    select
        month,
        team,
        owner_crm_user_id,
        forecast_amount::decimal(18, 2) as forecast_amount,
        actual_amount::decimal(18, 2) as actual_amount,
        won_opportunities::bigint as won_opportunities,
        round(
            1 - abs(actual_amount - forecast_amount) / nullif(actual_amount, 0), 4
        )::double as forecast_accuracy,
        round(actual_amount / nullif(forecast_amount, 0) - 1, 4)::double as forecast_bias,
        commit_pipeline_at_start::decimal(18, 2) as commit_pipeline_at_start,
        is_commit_pipeline_reconstructed
    from aggregated

)

select * from final
