"""Shared fixtures for every test in the workspace (see devstack/testing.py)."""

pytest_plugins = ["testkit.plugin"]
