"""Repository / Data Access: reads and writes models through a SQLAlchemy session.

Each repository is given a `scoped_session`, which hands every request (thread) its own session;
the composition root removes it when the request ends. Each `save` / `delete` is one transaction.
"""
