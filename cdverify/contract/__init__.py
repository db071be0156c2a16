"""The HTTP contract runner."""
