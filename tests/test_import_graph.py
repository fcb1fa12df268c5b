"""The import graph: the layers' contract holds, and no module of the project takes part in a cycle.

The contract is ``[tool.importlinter]`` in ``pyproject.toml`` (``docs/architecture.md``),
checked by ``lint-imports`` as ``make lint`` does. Cycles are found on grimp's graph
(the library import-linter is built on), which records every import statement of a
module, those inside functions included: a cycle between two modules is still a cycle
when one side imports the other only on first use, and it fails here. Imports under
``if TYPE_CHECKING:`` never run, so they are left out.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
#: The contract's packages, and the benchmarks, which the contract leaves out but are code all the same.
PACKAGES = [*CONFIG["tool"]["importlinter"]["root_packages"], "benchmarks"]


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every set of modules that import one another in a ring (strongly connected), sorted.

    A module that imports itself counts as a ring of one.
    """
    imports = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(imports):
        if root in order:
            continue
        # Tarjan's algorithm, iterative: a deep import chain must not hit the recursion limit.
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(imports[root])))]
        while work:
            module, pending = work[-1]
            step = next(pending, None)
            if step is not None:
                if step not in order:
                    order[step] = low[step] = len(order)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(imports[step]))))
                elif step in on_stack:
                    low[module] = min(low[module], order[step])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == order[module]:
                ring = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    ring.append(member)
                    if member == module:
                        break
                if len(ring) > 1 or module in imports[module]:
                    cycles.append(sorted(ring))
    return sorted(cycles)


def describe(graph: grimp.ImportGraph, ring: list[str]) -> str:
    """The imports that close a ring, one per line: importer, line, statement."""
    lines = [" <-> ".join(ring)]
    for importer in ring:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & set(ring)):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                where = importer.replace(".", "/") + f".py:{detail['line_number']}"
                lines.append(f"    {where}: {detail['line_contents']}")
    return "\n".join(lines)


def project_graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)


def test_the_layers_contract_holds():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_no_module_of_the_project_is_in_an_import_cycle():
    graph = project_graph()
    assert {m.split(".")[0] for m in graph.modules} == set(PACKAGES)
    cycles = import_cycles(graph)
    assert not cycles, "import cycles (imports inside functions count):\n" + "\n".join(
        describe(graph, ring) for ring in cycles
    )


def test_a_cycle_hidden_in_a_function_level_import_is_found(tmp_path, monkeypatch):
    package = tmp_path / "ringed"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from ringed.b import helper\n")
    (package / "b.py").write_text(
        textwrap.dedent(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from ringed import c


            def helper():
                from ringed.a import helper as again  # dodges the import-time cycle, not the cycle

                return again
            """
        )
    )
    (package / "c.py").write_text("from ringed import b\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("ringed", exclude_type_checking_imports=True, cache_dir=None)
    cycles = import_cycles(graph)
    # a <-> b through the function-level import; b -> c only under TYPE_CHECKING, so c is in no ring.
    assert cycles == [["ringed.a", "ringed.b"]]
    assert "ringed/b.py:9: from ringed.a import helper as again" in describe(graph, cycles[0])
