from app.bookmark_repository import BookmarkRepository
from app.models.bookmark import Bookmark
from app.models.user import User
from app.user_repository import UserRepository


class BookmarkService:
    def __init__(self) -> None:
        self.users = UserRepository()
        self.bookmarks = BookmarkRepository()

    def owner(self, email: str) -> User:
        return self.users.by_email(email) or self.users.save(User(email=email))

    def list_for(self, email: str) -> list[Bookmark]:
        return self.bookmarks.of_owner(self.owner(email).id)

    def add(self, email: str, url: str, title: str = "") -> Bookmark:
        return self.bookmarks.save(Bookmark(owner_id=self.owner(email).id, url=url, title=title))
