"""HTTP layer: one blueprint per resource, mounted under /api by the app factory."""

from . import articles, health, users

blueprints = (articles.bp, health.bp, users.bp)
