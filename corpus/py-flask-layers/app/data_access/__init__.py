"""Data access: repositories over the SQLAlchemy session."""
