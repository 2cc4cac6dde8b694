{#
    The warehouse's as-of date: the latest extract date of any file whose rows the warehouse
    holds (data, not load time, so a rebuild agrees). Every model that needs "now" reads it
    here, so that two marts never disagree on it. It reads the load log, not the staged
    entities: the date is a clock, and a mart's lineage names the data it is computed from
    (MRR's files are subscriptions, customers and rates, never surveys). Entities that change
    seldom (users, employees, products) often have no file on the latest day: the date is
    the latest over all of them.
#}

with

loaded_files as (

    select * from {{ ref('stg_ingest__file_loads') }}
    where status = 'loaded' and rows_loaded > 0

),

final as (

    select
        max(extract_date) as as_of_date,
        date_trunc('month', coalesce(
            {% if var('mrr_as_of', none) %}date '{{ var("mrr_as_of") }}'{% else %}null{% endif %},
            max(extract_date)
        ))::date as as_of_month,
        (max(extract_date) + interval 1 day)::timestamp as as_of_end_at
    from loaded_files

)

select * from final
