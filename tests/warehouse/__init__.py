"""Tests of the warehouse stage: dbt project and build runner."""
