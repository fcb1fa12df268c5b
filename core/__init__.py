"""The bottom layer: what every stage needs and nothing that knows the domain's rules.

- :mod:`core.settings`: where runtime state lives (``MI_HOME``) and the few
  settings read from the environment; where the dbt project is;
- :mod:`core.periods`: quarters ``YYYYQn`` and their arithmetic;
- :mod:`core.files`: atomic writes, unique temporary names, exclusive locks;
- :mod:`core.progress`: timed progress lines for long commands.

Layers, from the bottom (enforced by the import-linter contract in
``pyproject.toml``)::

    core  <-  contracts_schema  <-  ingest, warehouse, publish, synth  <-  orchestration, portal  <-  mi

Not for: anything about MI files, rules, the warehouse or releases; those live in
the layers above. Nothing here imports a package of this project.
"""
