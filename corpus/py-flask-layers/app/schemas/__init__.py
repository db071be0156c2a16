"""Request parsing and response shapes (plain dicts, no extra dependency)."""
