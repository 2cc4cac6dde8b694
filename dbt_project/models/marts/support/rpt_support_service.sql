{#
    How fast support answers and whether service failures precede churn (KPI-DEFINITIONS.md,
    Satisfaction: support SLA compliance and delivery delay). Grain: month, priority (`all`
    is every priority). Tickets count in the month they were created.
    - first-response and resolution times: median and p90, in hours (calendar time);
    - sla_compliance = targets met / targets decided, both targets of every ticket counted
      (fct_support_tickets says when a target is decided);
    - tickets_per_client = tickets / clients that raised one; tickets_per_active_client =
      tickets / clients with MRR > 0 that month (fct_mrr);
    - on `all` rows only, ERP orders delivered in the month: late deliveries (delivered after
      the promised date) and the delay in days (delivered - promised: median, p90, negative
      when early);
    - on `all` rows only, the link to churn: clients with a service failure in the month (a
      breached ticket created in it, or a late delivery delivered in it) and, of them, those
      whose MRR churned in one of the next three months (fct_mrr category `churn`), beside the
      same churn rate for the active clients without a failure. A month whose next three
      months have not all ended by the as-of date (int_as_of) has no such rate yet: null,
      and is_churn_window_complete false (never a 0 that reads as "nobody churned").
#}

with

tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

orders as (

    select * from {{ ref('stg_erp__orders') }}

),

client_map as (

    select * from {{ ref('map_client_source_ids') }}
    where source_system = 'erp' and source_entity = 'customers'

),

mrr as (

    select * from {{ ref('fct_mrr') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

ticket_months as (

    select
        created_month as month,
        case when grouping(priority) = 1 then 'all' else priority end as priority,
        count(*) as tickets,
        count(distinct client_id) as clients_with_tickets,
        {{ median_of('first_response_minutes') }} / 60.0 as median_first_response_hours,
        {{ quantile("first_response_minutes", "0.9") }} / 60.0 as p90_first_response_hours,
        {{ median_of('resolution_minutes') }} / 60.0 as median_resolution_hours,
        {{ quantile("resolution_minutes", "0.9") }} / 60.0 as p90_resolution_hours,
        count(*) filter (where is_first_response_decided)
        + count(*) filter (where is_resolution_decided) as sla_targets_decided,
        count(*) filter (where is_first_response_met)
        + count(*) filter (where is_resolution_met) as sla_targets_met,
        count(*) filter (where is_breached) as breached_tickets,
        count(*) filter (where is_answered_late) as answered_late_tickets
    from tickets
    group by grouping sets ((created_month, priority), (created_month))

),

deliveries as (

    select
        orders.erp_order_id,
        client_map.client_id,
        date_trunc('month', orders.delivered_date)::date as month,
        {{ date_difference('day', "orders.promised_date", "orders.delivered_date") }} as delay_days
    from orders
    left join client_map
        on orders.erp_customer_id = client_map.source_id
    where orders.delivered_date is not null and orders.promised_date is not null

),

delivery_months as (

    select
        month,
        count(*) as delivered_orders,
        count(*) filter (where delay_days > 0) as late_deliveries,
        {{ median_of('delay_days') }} as median_delivery_delay_days,
        {{ quantile("delay_days", "0.9") }} as p90_delivery_delay_days
    from deliveries
    group by month

),

failures as (

    select distinct
        created_month as month,
        client_id
    from tickets
    where is_breached and client_id is not null

    union

    select distinct
        month,
        client_id
    from deliveries
    where delay_days > 0 and client_id is not null

),

active_clients as (

    select
        month,
        client_id
    from mrr
    where mrr > 0

),

churns as (

    select
        month,
        client_id
    from mrr
    where category = 'churn'

),

client_outcomes as (

    select
        active_clients.month,
        active_clients.client_id,
        failures.client_id is not null as had_failure,
        exists(
            select 1
            from churns
            where
                churns.client_id = active_clients.client_id
                and churns.month > active_clients.month
                and churns.month <= active_clients.month + interval 3 month
        ) as churned_within_3_months
    from active_clients
    left join failures
        on
            active_clients.month = failures.month
            and active_clients.client_id = failures.client_id

),

churn_link as (

    select
        month,
        count(*) as active_clients,
        count(*) filter (where had_failure) as clients_with_service_failure,
        count(*) filter (where had_failure and churned_within_3_months)
            as failed_clients_churned_3_months,
        count(*) filter (where not had_failure and churned_within_3_months)
            as other_clients_churned_3_months,
        count(*) filter (where not had_failure) as clients_without_failure
    from client_outcomes
    group by month

),

report_rows as (

    -- every month with tickets, and an `all` row for a month with deliveries and no ticket
    select
        month,
        priority
    from ticket_months
    union
    select
        month,
        'all' as priority
    from delivery_months

),

final as (

    select
        report_rows.month,
        report_rows.priority,
        coalesce(ticket_months.tickets, 0) as tickets,
        coalesce(ticket_months.clients_with_tickets, 0) as clients_with_tickets,
        round(ticket_months.tickets / nullif(ticket_months.clients_with_tickets, 0), 2)::double
            as tickets_per_client,
        case
            when report_rows.priority = 'all'
                then round(ticket_months.tickets / nullif(churn_link.active_clients, 0), 4)
        end::double as tickets_per_active_client,
        round(ticket_months.median_first_response_hours, 2)::decimal(10, 2)
            as median_first_response_hours,
        round(ticket_months.p90_first_response_hours, 2)::decimal(10, 2)
            as p90_first_response_hours,
        round(ticket_months.median_resolution_hours, 2)::decimal(10, 2)
            as median_resolution_hours,
        round(ticket_months.p90_resolution_hours, 2)::decimal(10, 2) as p90_resolution_hours,
        coalesce(ticket_months.sla_targets_decided, 0) as sla_targets_decided,
        coalesce(ticket_months.sla_targets_met, 0) as sla_targets_met,
        round(
            ticket_months.sla_targets_met / nullif(ticket_months.sla_targets_decided, 0), 4
        )::double as sla_compliance,
        coalesce(ticket_months.breached_tickets, 0) as breached_tickets,
        coalesce(ticket_months.answered_late_tickets, 0) as answered_late_tickets,
        case when report_rows.priority = 'all' then coalesce(delivery_months.delivered_orders, 0) end
            as delivered_orders,
        case when report_rows.priority = 'all' then coalesce(delivery_months.late_deliveries, 0) end
            as late_deliveries,
        case
            when report_rows.priority = 'all'
                then round(delivery_months.median_delivery_delay_days, 2)
        end::decimal(10, 2) as median_delivery_delay_days,
        case
            when report_rows.priority = 'all'
                then round(delivery_months.p90_delivery_delay_days, 2)
        end::decimal(10, 2) as p90_delivery_delay_days,
        case when report_rows.priority = 'all' then churn_link.active_clients end as active_clients,
        case when report_rows.priority = 'all' then churn_link.clients_with_service_failure end
            as clients_with_service_failure,
        case
            when report_rows.priority = 'all'
                then last_day(report_rows.month + interval 3 month) <= as_of.as_of_date
        end as is_churn_window_complete,
        case
            when
                report_rows.priority = 'all'
                and last_day(report_rows.month + interval 3 month) <= as_of.as_of_date
                then round(
                    churn_link.failed_clients_churned_3_months
                    / nullif(churn_link.clients_with_service_failure, 0),
                    4
                )
        end::double as churn_rate_3_months_after_failure,
        case
            when
                report_rows.priority = 'all'
                and last_day(report_rows.month + interval 3 month) <= as_of.as_of_date
                then round(
                    churn_link.other_clients_churned_3_months
                    / nullif(churn_link.clients_without_failure, 0),
                    4
                )
        end::double as churn_rate_3_months_without_failure
    from report_rows
    cross join as_of
    left join ticket_months
        on
            report_rows.month = ticket_months.month
            and report_rows.priority = ticket_months.priority
    left join delivery_months
        on report_rows.month = delivery_months.month
    left join churn_link
        on report_rows.month = churn_link.month

)

select * from final
