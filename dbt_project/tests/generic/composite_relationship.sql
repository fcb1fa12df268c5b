{#
    Every non-null combination of `columns` in the model exists as a
    combination of `fields` in `to`: a foreign key over several columns, such
    as (ukprn, participant_ref). The optional `where` config narrows the
    children, as for dbt's own relationships test.
#}
{% test composite_relationship(model, columns, to, fields) %}

with

children as (
    select {{ columns | join(', ') }}
    from {{ model }}
    where {% for column in columns %}{{ column }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
),

parents as (
    select distinct {{ fields | join(', ') }}
    from {{ to }}
),

orphans as (
    select children.*
    from children
    left join parents
        on {% for column in columns %}children.{{ column }} = parents.{{ fields[loop.index0] }}{% if not loop.last %}
        and {% endif %}{% endfor %}
    where parents.{{ fields[0] }} is null
)

select * from orphans

{% endtest %}
