"""Use cases: application services, independent of the web framework."""
