"""The shared test harness (pytest plugin `testkit.plugin`): nothing here is a mock."""
