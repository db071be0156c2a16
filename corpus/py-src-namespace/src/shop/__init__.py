"""Order-taking API."""

__version__ = "0.3.0"
