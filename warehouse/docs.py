"""What analysts read beside the warehouse: the README examples, checked, and dbt's static docs page.

``make docs`` runs :func:`main`: first every SQL example of ``README.md`` and
``dbt_project/README.md`` against the analysts' copy
(``MI_HOME/warehouse/mi.duckdb``), failing when one errors or returns no
rows; then ``dbt docs generate --static``, whose single page is written to
``MI_HOME/docs/index.html`` and opens from the file system, without a server.
The test suite runs the same examples against the small synthetic world
(``tests/warehouse/test_analyst_docs.py``).

The catalog (column types, row counts) is read from a private copy of the
analysts' copy: dbt-duckdb opens its database for writing, and the analysts'
copy is read-only and may be swapped by a build at any moment.

Not for: building the warehouse (``warehouse.build``) or the release's
methodology (``publish/``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.settings import Paths
from core.settings import paths as default_paths
from warehouse.build import DBT_PROJECT_DIR
from warehouse.dbt_invoke import release_duckdb

REPOSITORY = DBT_PROJECT_DIR.parent
#: The documents whose ```sql blocks are examples an analyst may paste.
EXAMPLE_DOCUMENTS = (REPOSITORY / "README.md", DBT_PROJECT_DIR / "README.md")

_SQL_BLOCK = re.compile(r"^```sql[ \t]*\n(.*?)^```", re.M | re.S)
_COMMENT = re.compile(r"^\s*--\s?(.*)$")


@dataclass(frozen=True)
class Example:
    """One SQL statement of a README, named so that a failure says which."""

    document: str
    line: int
    title: str
    sql: str

    @property
    def name(self) -> str:
        return f"{self.document}:{self.line} {self.title}"


@dataclass(frozen=True)
class ExampleResult:
    example: Example
    rows: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.rows > 0

    def describe(self) -> str:
        if self.error:
            return f"FAILED {self.example.name}: {self.error}"
        if not self.rows:
            return f"FAILED {self.example.name}: returned no rows"
        return f"ok     {self.example.name} ({self.rows} rows)"


def readme_examples(documents: Iterable[Path] = EXAMPLE_DOCUMENTS) -> list[Example]:
    """Every statement of every ```sql block, titled by its first comment line or the text before it."""
    examples: list[Example] = []
    for document in documents:
        text = document.read_text(encoding="utf-8")
        label = (
            str(document.relative_to(REPOSITORY)) if document.is_relative_to(REPOSITORY) else document.name
        )
        for block in _SQL_BLOCK.finditer(text):
            lead = _paragraph_before(text[: block.start()])
            line = text.count("\n", 0, block.start(1)) + 1
            for offset, statement in _statements(block.group(1)):
                comments = [m.group(1).strip() for m in map(_COMMENT.match, statement.splitlines()) if m]
                title = comments[0] if comments else lead
                examples.append(Example(label, line + offset, title, statement))
    return examples


def _paragraph_before(text: str, width: int = 90) -> str:
    """The paragraph just before a code block, on one line and shortened: the example's title."""
    paragraph = text.rstrip().rsplit("\n\n", 1)[-1]
    words = " ".join(paragraph.split()).rstrip(":")
    return words if len(words) <= width else words[: width - 3].rstrip() + "..."


def _statements(block: str) -> list[tuple[int, str]]:
    """(line offset, statement) for each statement of a block: they end with a semicolon at a line's end."""
    found: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(block.splitlines()):
        if not current and not line.strip():
            continue
        if not current:
            start = number
        current.append(line)
        if line.rstrip().endswith(";"):
            found.append((start, "\n".join(current).rstrip().rstrip(";")))
            current = []
    if any(not _COMMENT.match(line) and line.strip() for line in current):
        found.append((start, "\n".join(current).rstrip()))
    return found


def check_examples(database: Path, examples: list[Example] | None = None) -> list[ExampleResult]:
    """Run every example read-only against ``database``; each result says its row count or its error."""
    import duckdb

    results: list[ExampleResult] = []
    connection = duckdb.connect(str(database), read_only=True)
    try:
        for example in readme_examples() if examples is None else examples:
            try:
                rows = len(connection.execute(example.sql).fetchall())
            except duckdb.Error as error:
                results.append(ExampleResult(example, error=str(error).splitlines()[0]))
                continue
            results.append(ExampleResult(example, rows=rows))
    finally:
        connection.close()
    return results


def generate_docs(paths: Paths | None = None, *, progress=print) -> Path:
    """dbt's static docs page, from the project and the analysts' copy: ``MI_HOME/docs/index.html``."""
    from dbt.cli.main import dbtRunner

    paths = paths or default_paths()
    source = paths.warehouse
    if not source.exists():
        raise FileNotFoundError(f"no analysts' copy at {source}: build the warehouse first (make demo)")
    docs = paths.home / "docs"
    work = docs / "build"
    work.mkdir(parents=True, exist_ok=True)
    catalog_db = work / "catalog.duckdb"
    shutil.copyfile(source, catalog_db)
    os.chmod(catalog_db, 0o644)
    wanted = {
        "MI_HOME": str(paths.home.resolve()),
        "MI_LAKE": str(paths.lake.resolve()),
        "MI_WAREHOUSE": "duckdb",
        "MI_WAREHOUSE_BUILD": str(catalog_db),
        "MI_WAREHOUSE_TEMP": str(work / "tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
    }
    (work / "tmp").mkdir(exist_ok=True)
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        outcome = dbtRunner().invoke(
            [
                "docs",
                "generate",
                "--static",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target",
                "duckdb",
                "--target-path",
                str(work / "target"),
                "--log-path",
                str(work / "logs"),
                "--log-level",
                "none",
                "--log-level-file",
                "info",
                "--no-use-colors",
                "--no-send-anonymous-usage-stats",
            ]
        )
    finally:
        release_duckdb()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        for leftover in (catalog_db, catalog_db.with_name(catalog_db.name + ".wal")):
            leftover.unlink(missing_ok=True)
    page = work / "target" / "static_index.html"
    if not outcome.success or not page.exists():
        raise RuntimeError(f"dbt docs generate failed: {outcome.exception or 'see ' + str(work / 'logs')}")
    target = docs / "index.html"
    tmp = target.with_name(".index.html.tmp")
    shutil.copyfile(page, tmp)
    os.replace(tmp, target)
    return target


def offline_problems(page: Path) -> list[str]:
    """What would make the page reach another site when opened: tags that load from one, and dbt's tracker.

    Notes:
        dbt's page holds links to dbt's own documentation (followed only when
        clicked) and the code of a usage tracker that loads a script from a
        CDN only when the manifest says ``send_anonymous_usage_stats: true``;
        the project sets it false.
    """
    text = page.read_text(encoding="utf-8", errors="replace")
    problems = [
        f"loads {url}"
        for url in re.findall(
            r"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)""",
            text,
        )
    ]
    problems += [
        f"style loads {url}"
        for url in re.findall(r"""(?:@import|url\()\s*["']?((?:https?:)?//[^"')\s]+)""", text)
    ]
    if '"send_anonymous_usage_stats": false' not in text:
        problems.append("the usage tracker is not switched off (send_anonymous_usage_stats)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.docs", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--examples-only", action="store_true", help="check the README examples, write nothing"
    )
    args = parser.parse_args(argv)
    paths = default_paths()
    if not paths.warehouse.exists():
        print(f"no analysts' copy at {paths.warehouse}: run `make demo` (or `mi run`) first", file=sys.stderr)
        return 1
    started = time.monotonic()
    results = check_examples(paths.warehouse)
    for result in results:
        print(result.describe())
    failed = [r for r in results if not r.ok]
    if failed:
        print(
            f"{len(failed)} of {len(results)} README examples failed against {paths.warehouse}; "
            f"no docs written",
            file=sys.stderr,
        )
        return 1
    print(f"all {len(results)} README examples return rows")
    if args.examples_only:
        return 0
    page = generate_docs(paths)
    print(f"wrote {page} in {time.monotonic() - started:.0f} s: open it in a browser, no server needed")
    for problem in offline_problems(page):
        print(f"note: the page reaches another site when opened: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
