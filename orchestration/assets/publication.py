"""Asset group ``publication``: the quarterly open-data release, partitioned by quarter.

``release_candidate`` prepares a candidate (files, disclosure control, quality
gate) from the analysts' copy; its blocking check ``quality_gate_passed``
stops a failed candidate from going further. ``published_release`` promotes
it, and needs a named approver who is not the preparer (run it by hand from
the launchpad with the approver in its config).

Not for: what a release contains or how it is checked (``publish/``).
"""

import datetime as dt

import dagster as dg

from core.periods import Period
from core.settings import paths

#: Quarters as Dagster time windows; the key is the quarter's first day (2026-04-01 is 2026Q2).
quarterly = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1,4,7,10 *", start="2016-07-01", fmt="%Y-%m-%d", end_offset=0
)
GATE_CHECK = "quality_gate_passed"


def period_of(partition_key: str) -> str:
    """``2026-04-01`` → ``2026Q2``."""
    return Period.containing(dt.date.fromisoformat(partition_key)).code


class PrepareConfig(dg.Config):
    preparer: str = "dagster-schedule"


class ApproveConfig(dg.Config):
    approver: str


@dg.asset(
    group_name="publication",
    partitions_def=quarterly,
    deps=["analyst_warehouse"],
    kinds={"csv", "parquet"},
    check_specs=[
        dg.AssetCheckSpec(
            GATE_CHECK,
            asset="release_candidate",
            blocking=True,
            description="The Great Expectations gate passed on the files as written.",
        )
    ],
    description="The quarter's release candidate, prepared from the last good warehouse build.",
)
def release_candidate(context: dg.AssetExecutionContext, config: PrepareConfig):
    from publish.release import prepare_release

    period = period_of(context.partition_key)
    candidate = prepare_release(period, preparer=config.preparer, paths=paths(), progress=context.log.info)
    yield dg.MaterializeResult(
        metadata={
            "period": period,
            "state": candidate.state,
            "version": candidate.version,
            "folder": dg.MetadataValue.path(str(candidate.folder)),
            "manifest_digest": candidate.manifest_digest,
            "revisions": candidate.revisions,
            "files": dg.MetadataValue.json(candidate.files),
            "preparer": candidate.preparer,
        }
    )
    yield dg.AssetCheckResult(
        check_name=GATE_CHECK,
        passed=bool(candidate.gate_passed),
        metadata={"failures": dg.MetadataValue.json(candidate.gate_failures)},
    )


@dg.asset(
    group_name="publication",
    partitions_def=quarterly,
    deps=[release_candidate],
    kinds={"csv"},
    description="The published release releases/{period}/v{n}: promoted atomically by a second person.",
)
def published_release(context: dg.AssetExecutionContext, config: ApproveConfig) -> dg.MaterializeResult:
    from publish.release import ReleaseError, approve_release

    period = period_of(context.partition_key)
    try:
        release = approve_release(period, approver=config.approver, paths=paths(), progress=context.log.info)
    except ReleaseError as exc:
        raise dg.Failure(description=f"release {period} was not approved: {exc}") from None
    return dg.MaterializeResult(
        metadata={
            "period": period,
            "version": release.version,
            "folder": dg.MetadataValue.path(str(release.folder)),
            "approver": release.approver,
            "preparer": release.preparer,
            "manifest_digest": release.manifest_digest,
        }
    )


#: What each approved release said about ratings (lake/published_ratings/release={period}-v{n}), read by
#: the warehouse as a dbt source. External and without upstream assets: the approval writes it, and the
#: warehouse reads it, so an edge from the release would close a cycle through the warehouse.
published_ratings = dg.AssetSpec(
    ["lake", "published_ratings"],
    group_name="publication",
    kinds={"parquet"},
    description=(
        "Every rating row of every approved release, one immutable folder per release version, "
        "written at approval before the release folder is renamed into place; the warehouse shows "
        "a quarter's rating as published from it."
    ),
)


prepare_release_job = dg.define_asset_job(
    "prepare_release",
    selection=dg.AssetSelection.assets(release_candidate),
    partitions_def=quarterly,
    description="Prepare the quarter's release candidate and run its quality gate.",
)

approve_release_job = dg.define_asset_job(
    "approve_release",
    selection=dg.AssetSelection.assets(published_release),
    partitions_def=quarterly,
    description="Publish the quarter's candidate; give the approver (not the preparer) in the run config.",
)


@dg.schedule(
    job=prepare_release_job,
    cron_schedule="0 6 15 1,4,7,10 *",
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="On the 15th after each quarter ends (providers' returns are due by the 5th), "
    "prepare that quarter's release candidate.",
)
def quarterly_release_schedule(context: dg.ScheduleEvaluationContext):
    tick = context.scheduled_execution_time.date()
    quarter_start = dt.date(tick.year, 3 * ((tick.month - 1) // 3) + 1, 1)
    previous = (quarter_start - dt.timedelta(days=1)).replace(day=1)
    previous = previous.replace(month=3 * ((previous.month - 1) // 3) + 1)
    return dg.RunRequest(partition_key=previous.isoformat(), tags={"trigger": "quarterly schedule"})


definitions = dg.Definitions(
    assets=[release_candidate, published_release, published_ratings],
    jobs=[prepare_release_job, approve_release_job],
    schedules=[quarterly_release_schedule],
)
