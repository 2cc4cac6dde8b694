{#
    NPS from counts (KPI-DEFINITIONS.md, Satisfaction): 100 x (promoters - detractors) /
    responses, to one decimal; null without a response.
#}

{% macro nps_score(promoters, detractors, responses) -%}
    round(100.0 * ({{ promoters }} - {{ detractors }}) / nullif({{ responses }}, 0), 1)
{%- endmacro %}
