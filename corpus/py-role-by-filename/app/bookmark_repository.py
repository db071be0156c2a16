from sqlalchemy import select

from app.extensions import db
from app.models.bookmark import Bookmark
from app.repository_base import SqlRepository


class BookmarkRepository(SqlRepository[Bookmark]):
    model = Bookmark

    def of_owner(self, owner_id: int) -> list[Bookmark]:
        return list(db.session.scalars(select(Bookmark).where(Bookmark.owner_id == owner_id)))
