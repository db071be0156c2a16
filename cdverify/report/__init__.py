"""Stage 5 — reporting: pure functions from a Report to text, JSON or a graph drawing."""
