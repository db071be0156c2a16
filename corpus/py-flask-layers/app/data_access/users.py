from __future__ import annotations

from sqlalchemy import select

from ..db import db
from ..entities.user import User


class UserRepository:
    def get(self, user_id: int) -> User | None:
        return db.session.get(User, user_id)

    def get_by_username(self, username: str) -> User | None:
        return db.session.scalar(select(User).where(User.username == username))

    def get_by_email(self, email: str) -> User | None:
        return db.session.scalar(select(User).where(User.email == email))

    def add(self, **fields: object) -> User:
        user = User(**fields)
        db.session.add(user)
        db.session.commit()
        return user
