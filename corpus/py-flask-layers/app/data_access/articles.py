from __future__ import annotations

from sqlalchemy import select

from app.db import db
from app.entities.article import Article


class ArticleRepository:
    def list_recent(self, *, limit: int = 20, offset: int = 0, author_id: int | None = None) -> list[Article]:
        query = select(Article).order_by(Article.created_at.desc())
        if author_id is not None:
            query = query.where(Article.author_id == author_id)
        return list(db.session.scalars(query.limit(limit).offset(offset)))

    def get_by_slug(self, slug: str) -> Article | None:
        return db.session.scalar(select(Article).where(Article.slug == slug))

    def add(self, **fields: object) -> Article:
        article = Article(**fields)
        db.session.add(article)
        db.session.commit()
        return article

    def update(self, article: Article, **changes: object) -> Article:
        for name, value in changes.items():
            setattr(article, name, value)
        db.session.commit()
        return article

    def delete(self, article: Article) -> None:
        db.session.delete(article)
        db.session.commit()
