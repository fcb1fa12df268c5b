"""Dagster assets, one module per asset group: reference, submissions, warehouse, publication."""
