{#
    The 95% interval of a like-for-like index O / E by Byar's approximation to
    the exact Poisson limits on the actual count O, with E the expected count:

        lower = O * (1 - 1/(9 O) - 1.96/(3 sqrt(O)))^3 / E, 0 when O = 0
        upper = (O+1) * (1 - 1/(9 (O+1)) + 1.96/(3 sqrt(O+1)))^3 / E

    Both are null when E is 0 or null, and rounded to 6 places so that the
    comparison with 1.00 comes out the same on every engine.
    compared_with_national: ABOVE when the lower limit exceeds 1.00, BELOW
    when the upper limit is under 1.00, NOT_DIFFERENT otherwise; null without
    limits. Pass it the rounded limits.
#}

{% macro byar_lower(actual, expected) -%}
    round(
        case
            when coalesce({{ expected }}, 0) = 0 then null
            when {{ actual }} = 0 then cast(0 as double)
            else cast({{ actual }} as double)
                * power(
                    1
                    - 1 / nullif(9 * cast({{ actual }} as double), 0)
                    - cast(1.96 as double) / nullif(3 * sqrt(cast({{ actual }} as double)), 0),
                    3
                )
                / nullif({{ expected }}, 0)
        end,
        6
    )
{%- endmacro %}

{% macro byar_upper(actual, expected) -%}
    round(
        case
            when coalesce({{ expected }}, 0) = 0 then null
            else (cast({{ actual }} as double) + 1)
                * power(
                    1
                    - 1 / nullif(9 * (cast({{ actual }} as double) + 1), 0)
                    + cast(1.96 as double) / nullif(3 * sqrt(cast({{ actual }} as double) + 1), 0),
                    3
                )
                / nullif({{ expected }}, 0)
        end,
        6
    )
{%- endmacro %}

{% macro compared_with_national(lower, upper) -%}
    case
        when {{ lower }} is null or {{ upper }} is null then null
        when {{ lower }} > 1 then 'ABOVE'
        when {{ upper }} < 1 then 'BELOW'
        else 'NOT_DIFFERENT'
    end
{%- endmacro %}
