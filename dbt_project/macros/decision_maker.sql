{#
    Whether a job title makes its holder a decision-maker: a title naming a direction, a
    general management or a budget owner (who signs). One reading for every mart: the
    client page's contacts (dim_client_contacts) and the contact of a lost request
    (fct_lost_requests). Null titles are not decision-makers.
#}
{% macro is_decision_maker_title(title) %}
    coalesce(
        {{ regexp_contains(
            "lower(" ~ strip_accents(title) ~ ")",
            "'(^|[^a-z])(directeur|directrice|director|dg|pdg|ceo|cfo|cio|cto|coo|daf|dsi'
            || '|gerant|gerante|president|presidente|head|vp|owner|founder|fondateur'
            || '|fondatrice)([^a-z]|$)'"
        ) }},
        false
    )
{% endmacro %}
