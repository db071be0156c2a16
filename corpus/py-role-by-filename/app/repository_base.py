"""Shared plumbing for the repositories. Its name starts with "repository" but ends with "base": not a repository."""

from typing import Generic, TypeVar

from app.extensions import db

T = TypeVar("T")


class SqlRepository(Generic[T]):
    model: type[T]

    def get(self, row_id: int) -> T | None:
        return db.session.get(self.model, row_id)

    def save(self, row: T) -> T:
        db.session.add(row)
        db.session.commit()
        return row
