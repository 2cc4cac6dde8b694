{#
    Every version of every CRM opportunity the warehouse has loaded: the warehouse's own
    history of opportunities (KPI-DEFINITIONS.md, Forecast and slippage), because the CRM
    overwrites stages and close dates and its field-history extract misses changes.

    Why dated raw versions and not a dbt snapshot: the raw layer is append-only and keeps
    every daily extract with its _extract_date, so the history is already there; reading it
    gives the same answer after a rebuild from scratch, whereas a snapshot only knows the
    states it happened to see when it ran (a missed run loses a day for good). Staging keeps
    two views of opportunities: the latest version of each (stg_crm__opportunities) and this
    one, every version.

    Grain: one row per opportunity and updated_at (a re-sent or faulty copy of the same
    version collapses into one row).
#}

with

source as (

    select * from {{ source('crm', 'opportunities') }}
    where updated_at is not null

),

versions as (

    select * from source
    -- the same version loaded twice (re-delivery, a later file): the latest load wins
    {{ latest_version(['opportunity_id', 'updated_at']) }}

),

renamed as (

    select
        opportunity_id as crm_opportunity_id,
        updated_at as valid_from,
        lead(updated_at) over (
            partition by opportunity_id order by updated_at
        ) as valid_to,
        stage,
        expected_close_date,
        amount,
        upper(currency) as currency,
        probability,
        forecast_category,
        owner_id as owner_crm_user_id,
        closed_at,
        coalesce(is_deleted, false) as is_deleted,
        _extract_date
    from versions

)

select * from renamed
