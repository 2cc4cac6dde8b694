{#
    Cross-database SQL: every construct DuckDB and Spark spell differently, behind one macro
    each, dispatched on the adapter (docs/scale-out.md). Models and macros call these, never
    the DuckDB-only function (tests/dbt_project/test_portable.py fails when one does). The
    duckdb__ side is the SQL the project had before it was ported, unchanged; spark__ is
    Spark SQL 4 with the profile's settings (ANSI off, escaped string literals: a backslash in
    a pattern stays a backslash, as in DuckDB). default__ is used where standard SQL (or both
    engines) agree. sqlfluff's jinja templater has no adapter: it lints the DuckDB form.

    Arguments are SQL expressions as strings: {{ date_difference('day', 'created_at', 'closed_at') }}.
#}


{# The flag that makes regexp_replace replace every match: DuckDB replaces the first one
   unless told 'g'; Spark (Java) always replaces all. Written after the replacement:
   regexp_replace(x, '[^0-9]', ''{{ regexp_global() }}). #}
{% macro regexp_global() -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('regexp_global', 'salesdw')()) }}
    {%- else -%}{{ return(duckdb__regexp_global()) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__regexp_global() -%}, 'g'{%- endmacro %}
{% macro default__regexp_global() -%}{%- endmacro %}


{# True when `pattern` matches somewhere in `string`. #}
{% macro regexp_contains(string, pattern) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('regexp_contains', 'salesdw')(string, pattern)) }}
    {%- else -%}{{ return(duckdb__regexp_contains(string, pattern)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__regexp_contains(string, pattern) -%}
    regexp_matches({{ string }}, {{ pattern }})
{%- endmacro %}
{% macro spark__regexp_contains(string, pattern) -%}
    ({{ string }} rlike {{ pattern }})
{%- endmacro %}


{# True when `pattern` matches the whole of `string`. #}
{% macro regexp_full_match(string, pattern) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('regexp_full_match', 'salesdw')(string, pattern)) }}
    {%- else -%}{{ return(duckdb__regexp_full_match(string, pattern)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__regexp_full_match(string, pattern) -%}
    regexp_full_match({{ string }}, {{ pattern }})
{%- endmacro %}
{% macro spark__regexp_full_match(string, pattern) -%}
    ({{ string }} rlike concat('^(?:', {{ pattern }}, ')$'))
{%- endmacro %}


{# Accents removed: "Étienne" -> "Etienne". Spark has no such function: a translation of every
   letter of U+00C0..U+024F whose Unicode decomposition is a Latin letter and accents (what
   DuckDB's strip_accents removes there); letters beyond that range keep their accents on
   Spark. #}
{% macro strip_accents(string) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('strip_accents', 'salesdw')(string)) }}
    {%- else -%}{{ return(duckdb__strip_accents(string)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__strip_accents(string) -%}
    strip_accents({{ string }})
{%- endmacro %}
{% macro spark__strip_accents(string) -%}
    translate({{ string }},
        'àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ'
        || 'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝĀĂĄĆĈĊČĎĒĔĖĘĚĜĞĠĢĤĨĪĬĮİĴĶĹĻĽŃŅŇŌŎŐŔŖŘŚŜŞŠŢŤŨŪŬŮŰŲŴŶŸŹŻŽƠƯǍǏǑǓǕǗǙǛǞǠǦǨǪǬǴǸǺȀȂȄȆȈȊȌȎȐȒȔȖȘȚȞȦȨȪȬȮȰȲ',
        'aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooy'
        || 'AAAAAACEEEEIIIINOOOOOUUUUYAAACCCCDEEEEEGGGGHIIIIIJKLLLNNNOOORRRSSSSTTUUUUUUWYYZZZOUAIOUUUUUAAGKOOGNAAAEEIIOORRUUSTHAEOOOOY')
{%- endmacro %}


{# The whole number of `part` boundaries (day, month, second) crossed from `start` to `end`,
   as DuckDB's date_diff counts them: 31 Jan -> 1 Feb is 1 month. #}
{% macro date_difference(part, start, end) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('date_difference', 'salesdw')(part, start, end)) }}
    {%- else -%}{{ return(duckdb__date_difference(part, start, end)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__date_difference(part, start, end) -%}
    date_diff('{{ part }}', {{ start }}, {{ end }})
{%- endmacro %}
{% macro spark__date_difference(part, start, end) -%}
    {%- if part == 'day' -%}
        datediff(cast({{ end }} as date), cast({{ start }} as date))
    {%- elif part == 'month' -%}
        ((year({{ end }}) - year({{ start }})) * 12 + month({{ end }}) - month({{ start }}))
    {%- elif part == 'second' -%}
        (unix_seconds(cast({{ end }} as timestamp)) - unix_seconds(cast({{ start }} as timestamp)))
    {%- else -%}
        {{ exceptions.raise_compiler_error("date_difference: no Spark form for part '" ~ part ~ "'") }}
    {%- endif -%}
{%- endmacro %}


{# Seconds since 1970-01-01 00:00 UTC, with the fraction, as a double. #}
{% macro epoch_seconds(timestamp) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('epoch_seconds', 'salesdw')(timestamp)) }}
    {%- else -%}{{ return(duckdb__epoch_seconds(timestamp)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__epoch_seconds(timestamp) -%}
    epoch({{ timestamp }})
{%- endmacro %}
{% macro spark__epoch_seconds(timestamp) -%}
    (unix_micros(cast({{ timestamp }} as timestamp)) / 1000000.0d)
{%- endmacro %}


{# One row per date from `start` to `stop` (both included) by `step` (an interval), as a
   select-list item (a generator: Spark takes it only at the top of a select list): no row
   when `stop` is before `start`. The dates are dates, not timestamps. #}
{% macro date_series_rows(start, stop, step) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('date_series_rows', 'salesdw')(start, stop, step)) }}
    {%- else -%}{{ return(duckdb__date_series_rows(start, stop, step)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__date_series_rows(start, stop, step) -%}
    cast(unnest(generate_series({{ start }}, {{ stop }}, {{ step }})) as date)
{%- endmacro %}
{% macro spark__date_series_rows(start, stop, step) -%}
    explode(case when cast({{ start }} as date) <= cast({{ stop }} as date)
        then sequence(cast({{ start }} as date), cast({{ stop }} as date), {{ step }}) end)
{%- endmacro %}


{# One row per value of `values` (SQL literals), as a select-list item. #}
{% macro values_rows(values) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('values_rows', 'salesdw')(values)) }}
    {%- else -%}{{ return(duckdb__values_rows(values)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__values_rows(values) -%}
    unnest([{{ values | join(', ') }}])
{%- endmacro %}
{% macro spark__values_rows(values) -%}
    explode(array({{ values | join(', ') }}))
{%- endmacro %}


{# An array of the given SQL expressions; with none, an empty array of strings. #}
{% macro array_of(items) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('array_of', 'salesdw')(items)) }}
    {%- else -%}{{ return(duckdb__array_of(items)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__array_of(items) -%}
    [{{ items | join(', ') }}]
{%- endmacro %}
{% macro spark__array_of(items) -%}
    {%- if items -%} array({{ items | join(', ') }}) {%- else -%} cast(array() as array<string>) {%- endif -%}
{%- endmacro %}


{# Aggregate: the group's values as an array (non-null values on Spark; DuckDB keeps nulls,
   call it on values that are never null, or sort or filter them after). #}
{% macro array_agg_values(expression, distinct=false) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('array_agg_values', 'salesdw')(expression, distinct)) }}
    {%- else -%}{{ return(duckdb__array_agg_values(expression, distinct)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__array_agg_values(expression, distinct) -%}
    list({{ 'distinct ' if distinct }}{{ expression }})
{%- endmacro %}
{% macro spark__array_agg_values(expression, distinct) -%}
    {{ 'collect_set' if distinct else 'collect_list' }}({{ expression }})
{%- endmacro %}


{# The array sorted ascending, nulls last. #}
{% macro array_sorted(array) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('array_sorted', 'salesdw')(array)) }}
    {%- else -%}{{ return(duckdb__array_sorted(array)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__array_sorted(array) -%}
    list_sort({{ array }})
{%- endmacro %}
{% macro spark__array_sorted(array) -%}
    array_sort({{ array }})
{%- endmacro %}


{# The array's distinct non-null values (in no promised order: sort them if order matters). #}
{% macro array_distinct_values(array) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('array_distinct_values', 'salesdw')(array)) }}
    {%- else -%}{{ return(duckdb__array_distinct_values(array)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__array_distinct_values(array) -%}
    list_distinct({{ array }})
{%- endmacro %}
{% macro spark__array_distinct_values(array) -%}
    array_distinct(filter({{ array }}, distinct_value -> distinct_value is not null))
{%- endmacro %}


{# The elements of `array` for which `predicate` (on `name`, the element) holds. #}
{% macro array_filter(array, name, predicate) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('array_filter', 'salesdw')(array, name, predicate)) }}
    {%- else -%}{{ return(duckdb__array_filter(array, name, predicate)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__array_filter(array, name, predicate) -%}
    list_filter({{ array }}, lambda {{ name }}: {{ predicate }})
{%- endmacro %}
{% macro spark__array_filter(array, name, predicate) -%}
    filter({{ array }}, {{ name }} -> {{ predicate }})
{%- endmacro %}


{# `expression` (on `name`, the element) for each element of `array`. #}
{% macro array_transform(array, name, expression) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('array_transform', 'salesdw')(array, name, expression)) }}
    {%- else -%}{{ return(duckdb__array_transform(array, name, expression)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__array_transform(array, name, expression) -%}
    list_transform({{ array }}, lambda {{ name }}: {{ expression }})
{%- endmacro %}
{% macro spark__array_transform(array, name, expression) -%}
    transform({{ array }}, {{ name }} -> {{ expression }})
{%- endmacro %}


{# The integers 0 .. count - 1, as an array. #}
{% macro integer_range(count) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('integer_range', 'salesdw')(count)) }}
    {%- else -%}{{ return(duckdb__integer_range(count)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__integer_range(count) -%}
    range({{ count }})
{%- endmacro %}
{% macro spark__integer_range(count) -%}
    sequence(0, {{ count }} - 1)
{%- endmacro %}


{# The sum of an array of numbers (its nulls skipped). #}
{% macro array_sum(array) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('array_sum', 'salesdw')(array)) }}
    {%- else -%}{{ return(duckdb__array_sum(array)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__array_sum(array) -%}
    list_sum({{ array }})
{%- endmacro %}
{% macro spark__array_sum(array) -%}
    aggregate({{ array }}, 0, (total, element) -> total + coalesce(element, 0))
{%- endmacro %}


{# The two arrays one after the other. #}
{% macro array_concat(first, second) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('array_concat', 'salesdw')(first, second)) }}
    {%- else -%}{{ return(duckdb__array_concat(first, second)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__array_concat(first, second) -%}
    list_concat({{ first }}, {{ second }})
{%- endmacro %}
{% macro spark__array_concat(first, second) -%}
    concat(coalesce({{ first }}, cast(array() as array<string>)), coalesce({{ second }}, cast(array() as array<string>)))
{%- endmacro %}


{# The number of elements (null for a null array). #}
{% macro array_length(array) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('array_length', 'salesdw')(array)) }}
    {%- else -%}{{ return(duckdb__array_length(array)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__array_length(array) -%}
    len({{ array }})
{%- endmacro %}
{% macro spark__array_length(array) -%}
    array_size({{ array }})
{%- endmacro %}


{# The elements joined by `separator` (a SQL string), nulls skipped. #}
{% macro array_join(array, separator) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('array_join', 'salesdw')(array, separator)) }}
    {%- else -%}{{ return(duckdb__array_join(array, separator)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__array_join(array, separator) -%}
    array_to_string({{ array }}, {{ separator }})
{%- endmacro %}
{% macro spark__array_join(array, separator) -%}
    array_join({{ array }}, {{ separator }})
{%- endmacro %}


{# `string` cut at each `separator` (a literal string, not a pattern), empty pieces kept. #}
{% macro string_split(string, separator) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('string_split', 'salesdw')(string, separator)) }}
    {%- else -%}{{ return(duckdb__string_split(string, separator)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__string_split(string, separator) -%}
    string_split({{ string }}, {{ separator }})
{%- endmacro %}
{% macro spark__string_split(string, separator) -%}
    split({{ string }}, concat('\Q', {{ separator }}, '\E'), -1)
{%- endmacro %}


{# The value `key` maps to in `pairs` (a dict of string literals), or null. #}
{% macro map_lookup(pairs, key) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('map_lookup', 'salesdw')(pairs, key)) }}
    {%- else -%}{{ return(duckdb__map_lookup(pairs, key)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__map_lookup(pairs, key) -%}
    map {
        {%- for word, short in pairs.items() %}'{{ word }}': '{{ short }}'{{ ", " if not loop.last }}{% endfor -%}
    }[{{ key }}]
{%- endmacro %}
{% macro spark__map_lookup(pairs, key) -%}
    map(
        {%- for word, short in pairs.items() %}'{{ word }}', '{{ short }}'{{ ", " if not loop.last }}{% endfor -%}
    )[{{ key }}]
{%- endmacro %}


{# A struct of (name, SQL expression) pairs, in order: compared field by field, so it can
   order an arg_min. #}
{% macro struct_of(fields) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('struct_of', 'salesdw')(fields)) }}
    {%- else -%}{{ return(duckdb__struct_of(fields)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__struct_of(fields) -%}
    {
        {%- for name, expression in fields %}
        '{{ name }}': {{ expression }}{{ "," if not loop.last }}
        {%- endfor %}
    }
{%- endmacro %}
{% macro spark__struct_of(fields) -%}
    named_struct(
        {%- for name, expression in fields %}
        '{{ name }}', {{ expression }}{{ "," if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}


{# Aggregate: the `value` of the row with the smallest (largest) `ordering`. #}
{% macro min_by(value, ordering) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('min_by', 'salesdw')(value, ordering)) }}
    {%- else -%}{{ return(duckdb__min_by(value, ordering)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__min_by(value, ordering) -%}
    arg_min({{ value }}, {{ ordering }})
{%- endmacro %}
{% macro default__min_by(value, ordering) -%}
    min_by({{ value }}, {{ ordering }})
{%- endmacro %}

{% macro max_by(value, ordering) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('max_by', 'salesdw')(value, ordering)) }}
    {%- else -%}{{ return(duckdb__max_by(value, ordering)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__max_by(value, ordering) -%}
    arg_max({{ value }}, {{ ordering }})
{%- endmacro %}
{% macro default__max_by(value, ordering) -%}
    max_by({{ value }}, {{ ordering }})
{%- endmacro %}


{# Aggregate: the `fraction` quantile of `expression`, interpolated between the two nearest
   values (a double). #}
{% macro quantile(expression, fraction) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('quantile', 'salesdw')(expression, fraction)) }}
    {%- else -%}{{ return(duckdb__quantile(expression, fraction)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__quantile(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}
{% macro spark__quantile(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}
{% macro default__quantile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}


{# Aggregate: the median of `expression`, the mean of the two middle values when their count
   is even (a double), exact on both engines: Spark's median is its exact percentile at 0.5,
   not percentile_approx. #}
{% macro median_of(expression) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('median_of', 'salesdw')(expression)) }}
    {%- else -%}{{ return(duckdb__median_of(expression)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__median_of(expression) -%}
    median({{ expression }})
{%- endmacro %}
{% macro spark__median_of(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
{% macro default__median_of(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}


{# The ISO day of the week of a date, Monday = 1 to Sunday = 7 (DuckDB's isodow; Spark's
   dayofweek counts from Sunday = 1, its weekday from Monday = 0). #}
{% macro iso_weekday(date) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('iso_weekday', 'salesdw')(date)) }}
    {%- else -%}{{ return(duckdb__iso_weekday(date)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__iso_weekday(date) -%}
    isodow({{ date }})
{%- endmacro %}
{% macro spark__iso_weekday(date) -%}
    (weekday({{ date }}) + 1)
{%- endmacro %}


{# `date` plus `days` whole days (an integer expression). DuckDB adds an interval and gives a
   timestamp at midnight; Spark's date_add gives a date: both compare with a date alike. #}
{% macro add_days(date, days) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('add_days', 'salesdw')(date, days)) }}
    {%- else -%}{{ return(duckdb__add_days(date, days)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__add_days(date, days) -%}
    ({{ date }} + to_days({{ days }}))
{%- endmacro %}
{% macro spark__add_days(date, days) -%}
    date_add({{ date }}, {{ days }})
{%- endmacro %}


{# The string at JSON `path` ('$.key') of a JSON text, or null. #}
{% macro json_string(json, path) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('json_string', 'salesdw')(json, path)) }}
    {%- else -%}{{ return(duckdb__json_string(json, path)) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__json_string(json, path) -%}
    json_extract_string({{ json }}, {{ path }})
{%- endmacro %}
{% macro spark__json_string(json, path) -%}
    get_json_object({{ json }}, {{ path }})
{%- endmacro %}


{# The text type (DuckDB's varchar takes no length; Spark's needs one: string instead). #}
{% macro type_text() -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('type_text', 'salesdw')()) }}
    {%- else -%}{{ return(duckdb__type_text()) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__type_text() -%}varchar{%- endmacro %}
{% macro spark__type_text() -%}string{%- endmacro %}
