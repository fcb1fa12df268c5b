"""Deployment profiles: how the orchestration runs when it is a shared service, not a laptop tool.

``deploy/shared.py`` is the shared, multi-user Dagster deployment (webserver,
daemon, instance on PostgreSQL, run queue with the single-writer limit, the
code location served over gRPC); ``deploy/systemd/`` holds unit files that
call it; ``deploy/k8s/values.yaml`` is the Helm values the Kubernetes section
of ``docs/scale.md`` describes (not runnable here).

Not for: assets, jobs, sensors or any business rule (``orchestration/``), the
dbt project or its targets (``dbt_project/``), nor the single-machine instance
under ``MI_HOME/dagster`` (``orchestration/instance.py``), which stays the
default and needs no server.
"""
