{#
    The mean total / n rounded half up to two decimals, exactly: total (a decimal with at most
    two decimals) in hundredths as an integer, so the halving step is integer arithmetic.
    round(total / n, 2) divides in floating point, where a mean such as 2.345 is
    2.34499999... and rounds down. Null when n is 0 or total is null.
#}
{% macro mean_half_up(total, n) %}
    cast(
        floor(
            cast(2 * cast({{ total }} * 100 as bigint) + {{ n }} as double)
            / (2 * nullif({{ n }}, 0))
        ) / 100 as decimal(10, 2)
    )
{% endmacro %}
