from sqlalchemy import select

from app.extensions import db
from app.models.user import User
from app.repository_base import SqlRepository


class UserRepository(SqlRepository[User]):
    model = User

    def by_email(self, email: str) -> User | None:
        return db.session.scalar(select(User).where(User.email == email))
