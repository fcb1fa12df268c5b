{#
    Every non-null value of the column lies within [min_value, max_value]
    (either bound may be left out). Used for rates (0-1), stars (1-5), counts.
    min_exclusive / max_exclusive leave the bound itself out, as a range rule
    of the definitions may (hours a week: more than 0, at most 80).
#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, min_exclusive=false, max_exclusive=false) %}

with

out_of_range as (
    select {{ column_name }} as value
    from {{ model }}
    where {{ column_name }} is not null
        and (
            false
            {%- if min_value is not none %} or {{ column_name }} {{ '<=' if min_exclusive else '<' }} {{ min_value }}{% endif %}
            {%- if max_value is not none %} or {{ column_name }} {{ '>=' if max_exclusive else '>' }} {{ max_value }}{% endif %}
        )
)

select * from out_of_range

{% endtest %}
