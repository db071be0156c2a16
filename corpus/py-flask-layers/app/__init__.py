"""Conduit-style blogging API: Flask + SQLAlchemy, organised in clean-architecture layers."""
