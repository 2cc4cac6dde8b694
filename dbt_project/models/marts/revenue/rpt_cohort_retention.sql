{#
    Cohort retention: clients grouped by the month of their `new` MRR, followed month by month
    up to the as-of month. Logo retention = cohort clients with MRR > 0 / cohort size; revenue
    retention = their MRR / the cohort's MRR in its first month (can exceed 1 with expansion).
    observed_cltv_to_date is the cohort form of CLTV (KPI-DEFINITIONS.md) summed up to each
    month since start, with var gross_margin_pct.
    Grain: cohort_month, months_since_start.
#}

with

mrr as (

    select * from {{ ref('fct_mrr') }}

),

cohorts as (

    select
        client_id,
        month as cohort_month,
        mrr as first_mrr
    from mrr
    where category = 'new'

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

followed as (

    select
        cohorts.client_id,
        cohorts.cohort_month,
        cohorts.first_mrr,
        {{ date_series_rows("cohorts.cohort_month", "as_of.as_of_month", "interval 1 month") }}
            as month
    from cohorts
    cross join as_of

),

measured as (

    select
        followed.cohort_month,
        {{ date_difference('month', "followed.cohort_month", "followed.month") }} as months_since_start,
        followed.client_id,
        followed.first_mrr,
        coalesce(mrr.mrr, 0) as mrr
    from followed
    left join mrr
        on
            followed.client_id = mrr.client_id
            and followed.month = mrr.month

),

retention as (

    select
        cohort_month,
        months_since_start,
        count(*) as cohort_clients,
        count(*) filter (where mrr > 0) as active_clients,
        round(count(*) filter (where mrr > 0) / count(*), 4)::double as logo_retention,
        (sum(first_mrr))::decimal(18, 2) as cohort_first_mrr,
        (sum(mrr))::decimal(18, 2) as mrr,
        round(sum(mrr) / sum(first_mrr), 4)::double as revenue_retention
    from measured
    group by all

),

final as (

    select
        *,
        -- the observed CLTV form: sum over months of average MRR of the survivors x
        -- survival rate x gross margin = MRR / cohort size x gross margin, to date
        (
            sum(mrr / cohort_clients) over (
                partition by cohort_month order by months_since_start
            ) * {{ var('gross_margin_pct') }}
        )::decimal(18, 2) as observed_cltv_to_date
    from retention

)

select * from final
