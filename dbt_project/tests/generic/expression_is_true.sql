{#
    Every row satisfies the expression: for rules that tie columns together,
    such as "a VERIFIED claim has a verified_on date".
#}
{% test expression_is_true(model, expression) %}

with

violations as (
    select *
    from {{ model }}
    -- a null result is a violation too: these rules are meant to be decidable
    where not coalesce({{ expression }}, false)
)

select * from violations

{% endtest %}
