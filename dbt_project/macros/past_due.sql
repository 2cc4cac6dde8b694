{#
    Past-due pipeline (KPI-DEFINITIONS.md, Pipeline): an open deal whose expected close date
    is before the start of the month it is looked at from. It is neither current nor weighted
    pipeline; it is reported on its own, by age. A deal with no expected close date is not
    past due (nothing says it should have closed).

    is_past_due(close_date, month_start): the rule, for the as-of date (int_open_pipeline) and
    for every past month-end (rpt_pipeline_funnel), so that both apply the same one.
    past_due_age_band(days): the band of days since the expected close date.
#}

{% macro is_past_due(close_date, month_start) -%}
    coalesce({{ close_date }} < {{ month_start }}, false)
{%- endmacro %}

{% macro past_due_age_band(days) -%}
    case
        when {{ days }} is null then null
        when {{ days }} <= 90 then '001-090 days'
        when {{ days }} <= 180 then '091-180 days'
        when {{ days }} <= 365 then '181-365 days'
        else 'over 365 days'
    end
{%- endmacro %}
