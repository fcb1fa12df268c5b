{#
    Current records of the lake (MI specification §1, docs/lake.md).

    Every staging model of a lake dataset starts from one of these two macros,
    so that the submission semantics live in exactly one place:

    * rows count only when their submission has a ledger row with is_current;
      this drops superseded, rejected and duplicate submissions, the empty
      `submission_id=_schema` files and folders left by a crash;
    * provider returns: per record key, the row from the latest period (a later
      period's file carries only new or changed records); within a period only
      one submission is current, the later file times break any tie left;
    * reference datasets: the rows of the single current load.

    Both expand to CTEs named `current_submissions` and `current_rows`; the
    calling model goes on with `, renamed as (select ... from current_rows)`.
#}

{% macro lake_current_return_ctes(dataset, record_key) -%}
current_submissions as (
    select
        submission_id,
        period as submission_period,
        file_timestamp,
        received_at
    from {{ lake_source('ledger') }}
    where dataset = '{{ dataset }}'
        and kind = 'return'
        and is_current
),

current_rows as (
    select
        row_file.*,
        current_submissions.submission_period
    from {{ lake_source(dataset) }} as row_file
    inner join current_submissions
        on row_file.submission_id = current_submissions.submission_id
    qualify row_number() over (
        partition by {% for column in record_key %}row_file.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
        order by
            current_submissions.submission_period desc,
            current_submissions.file_timestamp desc,
            current_submissions.received_at desc,
            current_submissions.submission_id desc
    ) = 1
)
{%- endmacro %}

{% macro lake_current_reference_ctes(dataset) -%}
current_submissions as (
    select submission_id
    from {{ lake_source('ledger') }}
    where dataset = '{{ dataset }}'
        and kind = 'reference'
        and is_current
    -- A new load supersedes the previous one, so there is one current load;
    -- should two ever be marked current, the later one wins.
    qualify row_number() over (order by received_at desc, submission_id desc) = 1
),

current_rows as (
    select row_file.*
    from {{ lake_source(dataset) }} as row_file
    inner join current_submissions
        on row_file.submission_id = current_submissions.submission_id
)
{%- endmacro %}
