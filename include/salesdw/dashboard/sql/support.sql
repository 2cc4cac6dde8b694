-- name: service
select month, priority, tickets, sla_compliance, median_first_response_hours,
    p90_first_response_hours, median_resolution_hours, p90_resolution_hours, breached_tickets,
    delivered_orders, late_deliveries, median_delivery_delay_days,
    churn_rate_3_months_after_failure, churn_rate_3_months_without_failure,
    is_churn_window_complete
from marts.rpt_support_service
where month between :month_from and :month_to
order by month, priority
