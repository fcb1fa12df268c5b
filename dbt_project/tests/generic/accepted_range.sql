{#
    Every non-null value of the column lies within [min_value, max_value]
    (either bound may be left out). Used for rates (0-1), stars (1-5), counts.
#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}

with

out_of_range as (
    select {{ column_name }} as value
    from {{ model }}
    where {{ column_name }} is not null
        and (
            false
            {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
            {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
        )
)

select * from out_of_range

{% endtest %}
