{# One row per day, the time spine MetricFlow needs to join and fill metrics over time. #}

with

days as (

    select {{ date_series_rows("date '2015-01-01'", "date '2035-12-31'", "interval 1 day") }}
        as date_day

)

select * from days
