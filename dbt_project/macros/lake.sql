{#
    Current records of the lake (docs/lake.md).

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

-- The latest version of each record is chosen on a narrow projection (key,
-- submission, row number) and the whole rows are fetched by a join: a window
-- carrying every column of every version cost a third more CPU (history
-- world: 10 million versions of 5 million participants, 28 -> 19 CPU s).
latest_versions as (
    select
        {% for column in record_key %}row_file.{{ column }},
        {% endfor %}row_file.submission_id,
        row_file.source_row
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
),

current_rows as (
    select
        row_file.*,
        current_submissions.submission_period
    from {{ lake_source(dataset) }} as row_file
    inner join latest_versions
        on row_file.submission_id = latest_versions.submission_id
        and row_file.source_row = latest_versions.source_row
        {% for column in record_key %}and row_file.{{ column }} = latest_versions.{{ column }}
        {% endfor %}
    inner join current_submissions
        on row_file.submission_id = current_submissions.submission_id
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
