{#
    A table's key spanning several columns is unique: no combination of the
    given columns appears twice. (dbt_utils.unique_combination_of_columns,
    written here because packages cannot be installed offline.)
#}
{% test unique_combination(model, combination_of_columns) %}

with

keys as (
    select {{ combination_of_columns | join(', ') }}
    from {{ model }}
),

repeated as (
    select {{ combination_of_columns | join(', ') }}, count(*) as occurrences
    from keys
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
)

select * from repeated

{% endtest %}
