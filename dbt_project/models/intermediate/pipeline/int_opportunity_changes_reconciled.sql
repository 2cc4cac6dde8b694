{#
    Stage, expected-close-date and forecast-category changes of every opportunity, from the
    two histories the
    warehouse has, reconciled: the CRM's field-history extract (stg_crm__opportunity_history)
    and the warehouse's own dated versions (stg_crm__opportunity_versions).

    Each source gives points in time where a field's value is known: a history row says the
    field held old_value just before changed_at and new_value from changed_at; a version says
    the field held its value from updated_at. Sorted in time, every two consecutive points
    with different values are a change:
    - ending on a history row's new value: the CRM recorded it (`crm_history`), at changed_at;
    - ending on a version: only the warehouse saw it (`warehouse_versions`, the CRM history
      missed it), at the version's updated_at;
    - ending on a history row's old value: neither recorded it, but the next recorded change
      starts from another value than the one we knew (`inferred`); it happened between the
      two points and its time is unknown (changed_at is the later point, is_time_known false).
    A change both sources saw is counted once (the version at the same instant holds the same
    value, so no second change appears). A change before the first extract that the CRM
    history missed and that left no trace in a later point cannot be known.

    The forecast category is in the CRM's field history only where the CRM tracks it (the
    contract allows it; the sample's CRM does not): then its changes before the first extract
    are lost, and its first known value is the first extract's.

    Grain: one row per opportunity, field and change (field `stage`, `expected_close_date` or
    `forecast_category`); change_number 0 is the first known value (old_value null), dated at
    the opportunity's creation.
#}

with

history as (

    select * from {{ ref('stg_crm__opportunity_history') }}

),

versions as (

    select * from {{ ref('stg_crm__opportunity_versions') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

tracked_fields as (

    select {{ values_rows(["'stage'", "'expected_close_date'", "'forecast_category'"]) }} as field

),

history_points as (

    select
        history.crm_opportunity_id,
        history.field,
        history.changed_at as known_at,
        0 as point_order,
        history.old_value as field_value,
        'history_old' as point_kind,
        history.crm_history_id as point_id
    from history
    inner join tracked_fields
        on history.field = tracked_fields.field

    union all

    select
        history.crm_opportunity_id,
        history.field,
        history.changed_at as known_at,
        1 as point_order,
        history.new_value as field_value,
        'history_new' as point_kind,
        history.crm_history_id as point_id
    from history
    inner join tracked_fields
        on history.field = tracked_fields.field

),

version_points as (

    select
        crm_opportunity_id,
        'stage' as field,
        valid_from as known_at,
        2 as point_order,
        stage as field_value,
        'version' as point_kind,
        null as point_id
    from versions

    union all

    select
        crm_opportunity_id,
        'expected_close_date' as field,
        valid_from as known_at,
        2 as point_order,
        cast(expected_close_date as {{ type_text() }}) as field_value,
        'version' as point_kind,
        null as point_id
    from versions

    union all

    select
        crm_opportunity_id,
        'forecast_category' as field,
        valid_from as known_at,
        2 as point_order,
        forecast_category as field_value,
        'version' as point_kind,
        null as point_id
    from versions
    -- a CRM without forecast categories (the column empty) gives no category rows
    where forecast_category is not null

),

points as (

    select points.*
    from (
        select * from history_points
        union all
        select * from version_points
    ) as points
    -- deleted opportunities and history of opportunities never loaded are left out
    inner join opportunities
        on points.crm_opportunity_id = opportunities.crm_opportunity_id

),

sequenced as (

    select
        *,
        row_number() over point_sequence as point_number,
        lag(field_value) over point_sequence as previous_value,
        lag(known_at) over point_sequence as previous_known_at
    from points
    window point_sequence as (
        partition by crm_opportunity_id, field
        order by known_at, point_order, point_id
    )

),

first_values as (

    select
        sequenced.crm_opportunity_id,
        sequenced.field,
        null as old_value,
        sequenced.field_value as new_value,
        opportunities.created_at as changed_at,
        true as is_time_known,
        'creation' as recorded_by
    from sequenced
    inner join opportunities
        on sequenced.crm_opportunity_id = opportunities.crm_opportunity_id
    where sequenced.point_number = 1

),

changes as (

    select
        crm_opportunity_id,
        field,
        previous_value as old_value,
        field_value as new_value,
        known_at as changed_at,
        point_kind <> 'history_old' as is_time_known,
        case point_kind
            when 'history_new' then 'crm_history'
            when 'version' then 'warehouse_versions'
            else 'inferred'
        end as recorded_by
    from sequenced
    where point_number > 1 and field_value is distinct from previous_value

),

unioned as (

    select * from first_values
    union all
    select * from changes

),

final as (

    select
        crm_opportunity_id,
        field,
        row_number() over (
            partition by crm_opportunity_id, field
            order by
                changed_at,
                case recorded_by when 'creation' then 0 when 'inferred' then 1 else 2 end
        ) - 1 as change_number,
        old_value,
        new_value,
        changed_at,
        is_time_known,
        recorded_by
    from unioned

)

select * from final
