"""Benchmarks: speed and memory measured side by side in one run, never in unit tests.

``make bench`` (``python -m benchmarks``) generates the worlds it needs with
``mi synth`` under ``MI_HOME/bench``, runs each stage and its reference in
subprocesses, and prints a table of seconds, rows per second, peak memory and
the ratio to the reference measured in the same run.

Not for: pass/fail assertions in the test suite (timings on a shared machine
are noise there).
"""
