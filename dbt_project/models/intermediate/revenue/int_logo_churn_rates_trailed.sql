{#
    The monthly logo churn rate per month and segment (`all` is every client), and its
    trailing 12-month average for CLTV (KPI-DEFINITIONS.md, Acquisition and value): the clients
    lost over the 12 months ending with the month / the clients active at the start of each of
    those months, i.e. the monthly rates averaged with their clients at start as weights, so
    that a month with few clients weighs less and one month without churn does not make CLTV
    infinite. churn_window_months says how many of the 12 months the history holds.
#}

with

mrr as (

    select * from {{ ref('fct_mrr') }}

),

clients as (

    select * from {{ ref('dim_clients') }}

),

monthly as (

    select
        mrr.month,
        coalesce(coalesce(clients.segment, 'unknown'), 'all') as segment,
        count(*) filter (where mrr.previous_mrr > 0) as clients_at_start,
        count(*) filter (where mrr.previous_mrr > 0 and mrr.mrr = 0) as churned_clients
    from mrr
    left join clients
        on mrr.client_id = clients.client_id
    group by grouping sets ((mrr.month, coalesce(clients.segment, 'unknown')), (mrr.month))

),

trailed as (

    select
        month,
        segment,
        clients_at_start,
        churned_clients,
        churned_clients / nullif(clients_at_start, 0) as logo_churn_rate,
        sum(churned_clients) over trailing_year
        / nullif(sum(clients_at_start) over trailing_year, 0) as trailing_logo_churn_rate,
        count(*) over trailing_year as churn_window_months
    from monthly
    window trailing_year as (
        partition by segment
        order by month
        range between interval 11 month preceding and current row
    )

)

select * from trailed
