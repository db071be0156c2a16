"""Models / Entities: the SQLAlchemy mapped classes. This layer imports no other layer."""

from models.article import Article, Tag
from models.base import Base
from models.comment import Comment
from models.user import User, follows

__all__ = ["Article", "Base", "Comment", "Tag", "User", "follows"]
