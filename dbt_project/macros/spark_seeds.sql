{#
    Seeds on Spark (docs/scale-out.md). dbt-spark 1.11's session method binds a seed's values
    into its insert with a bare `sql % parameters`: a text value arrives unquoted and the
    insert fails. This override of spark__load_csv_rows writes each value as a literal
    instead (the thrift method reads the same SQL). With the profile's escaped string
    literals a backslash cannot escape a quote: a text holding a single quote is written in
    double quotes; one holding both kinds is refused by name.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- set column = agate_table.column_names[loop.index0] -%}
                    {%- set type = column_override.get(column, adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ _spark_seed_literal(value, model, column) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},
            {% endif -%}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 %}{% do statements.append(sql) %}{% endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{% macro _spark_seed_literal(value, model, column) -%}
    {%- if value is none -%} null
    {%- elif value is sameas true -%} true
    {%- elif value is sameas false -%} false
    {%- elif value is number -%} {{ value }}
    {%- else -%}
        {%- set text = value | string -%}
        {%- if "'" not in text -%} '{{ text }}'
        {%- elif '"' not in text -%} "{{ text }}"
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                "seed " ~ model.name ~ ", column " ~ column ~ ": the value " ~ text
                ~ " holds both kinds of quote, which Spark cannot read as a literal") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
