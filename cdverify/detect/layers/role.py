"""The roles a file's code can play in the layering (roles.py decides them)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a file's code does, strongest first."""

    ROUTES = "routes"
    MODELS = "models"
    QUERIES = "queries"
    USE_CASE = "use case"  # a command or query handler: weakest, it only outranks a routes folder
