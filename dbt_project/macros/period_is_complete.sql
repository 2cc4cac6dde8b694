{#
    Whether a month or quarter starting on period_start is over by the as-of date: its next
    period starts on or before the day as_of_end_at falls on. One rule for every per-period
    mart (rpt_period_end_wins, rpt_lost_requests_by_type, rpt_lost_requests_significant).
#}
{% macro period_is_complete(period_grain, period_start, as_of_end_at) %}
    case {{ period_grain }}
        when 'month' then cast({{ period_start }} + interval 1 month as date)
        else cast({{ period_start }} + interval 3 month as date)
    end <= cast({{ as_of_end_at }} as date)
{% endmacro %}
