from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.user import User

if TYPE_CHECKING:
    from models.comment import Comment

article_tags = Table(
    "article_tags",
    Base.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)

favorites = Table(
    "favorites",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)

    articles: Mapped[list["Article"]] = relationship(secondary=article_tags, back_populates="tags")


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String, unique=True)
    title: Mapped[str] = mapped_column(String)
    description: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    # Every article is shown with its author, tags and favourites: load them with the article.
    author: Mapped[User] = relationship(lazy="selectin")
    tags: Mapped[list[Tag]] = relationship(secondary=article_tags, back_populates="articles", lazy="selectin")
    favorited_by: Mapped[set[User]] = relationship(secondary=favorites, lazy="selectin")
    # Deleting an article deletes its comments (through the ORM, so also on SQLite without foreign keys).
    comments: Mapped[list["Comment"]] = relationship(back_populates="article", cascade="all, delete-orphan")
