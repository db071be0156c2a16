"""A small to-do API. The services talk to the SQLAlchemy models directly: there is no repository layer."""
