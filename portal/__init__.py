"""The provider portal: web pages and the HTTP API through which primes send returns.

``mi serve`` runs it (``portal/cli.py``); :func:`portal.app.create_app` builds it.
Providers upload a quarterly return, read its feedback at once and download
the findings; their own systems do the same through ``/api/v1``. Every action
is written to an audit log kept in the ops database (``MI_HOME/ops``).

Not for: validation, the ledger or the lake (all of that is ``ingest``, which
the portal calls exactly as ``mi submit`` does), and never the warehouse.
"""
