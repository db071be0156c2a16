"""Bookmarks API. The repositories sit directly in app/ (user_repository.py, bookmark_repository.py)."""
