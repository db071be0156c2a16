"""Entities: the SQLAlchemy-mapped domain objects."""
