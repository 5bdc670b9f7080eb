"""API objects that cross a service boundary (requests and responses of the public HTTP APIs)."""
