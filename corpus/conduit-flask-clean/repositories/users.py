from sqlalchemy import select
from sqlalchemy.orm import Session, scoped_session

from models import User


class UserRepository:
    def __init__(self, session: scoped_session[Session]) -> None:
        self._session = session

    def get(self, user_id: int) -> User | None:
        return self._session.get(User, user_id)

    def find_by_email(self, email: str) -> User | None:
        return self._session.scalars(select(User).where(User.email == email)).one_or_none()

    def find_by_username(self, username: str) -> User | None:
        return self._session.scalars(select(User).where(User.username == username)).one_or_none()

    def save(self, user: User) -> None:
        self._session.add(user)
        self._session.commit()
