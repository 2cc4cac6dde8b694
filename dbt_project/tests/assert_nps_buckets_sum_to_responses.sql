-- Promoters, passives and detractors add up to the responses, and NPS is between -100 and
-- 100, in every NPS mart (rows returned are failures).
{% for mart in ['rpt_nps', 'rpt_nps_by_rep', 'rpt_nps_after_support_failure'] %}
    select
        '{{ mart }}' as mart,
        month,
        responses,
        promoters,
        passives,
        detractors,
        nps
    from {{ ref(mart) }}
    where
        promoters + passives + detractors <> responses
        or nps not between -100 and 100
    {% if not loop.last %}union all{% endif %}
{% endfor %}
