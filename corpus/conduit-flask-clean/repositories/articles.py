from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, scoped_session

from models import Article, Tag, User, follows


@dataclass(frozen=True)
class ArticleQuery:
    """Which articles to list; every criterion given must hold."""

    tag: str | None = None
    author: str | None = None
    favorited_by: str | None = None
    followed_by_id: int | None = None
    limit: int = 20
    offset: int = 0


class ArticleRepository:
    def __init__(self, session: scoped_session[Session]) -> None:
        self._session = session

    def find_by_slug(self, slug: str) -> Article | None:
        return self._session.scalars(select(Article).where(Article.slug == slug)).one_or_none()

    def slug_exists(self, slug: str) -> bool:
        return self._session.scalar(select(Article.id).where(Article.slug == slug)) is not None

    def search(self, query: ArticleQuery) -> tuple[Sequence[Article], int]:
        """One page of matching articles, most recent first, and how many match in all."""
        conditions = list(_conditions(query))
        page = self._session.scalars(
            select(Article)
            .where(*conditions)
            .order_by(Article.created_at.desc(), Article.id.desc())
            .limit(query.limit)
            .offset(query.offset)
        ).all()
        total = self._session.scalar(select(func.count(Article.id)).where(*conditions)) or 0
        return page, total

    def save(self, article: Article) -> None:
        self._session.add(article)
        self._session.commit()

    def delete(self, article: Article) -> None:
        self._session.delete(article)
        self._session.commit()


def _conditions(query: ArticleQuery) -> Iterable[ColumnElement[bool]]:
    if query.tag is not None:
        yield Article.tags.any(Tag.name == query.tag)
    if query.author is not None:
        yield Article.author.has(User.username == query.author)
    if query.favorited_by is not None:
        yield Article.favorited_by.any(User.username == query.favorited_by)
    if query.followed_by_id is not None:
        yield Article.author_id.in_(
            select(follows.c.followed_id).where(follows.c.follower_id == query.followed_by_id)
        )
