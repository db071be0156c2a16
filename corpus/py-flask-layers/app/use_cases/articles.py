from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort

from app.data_access.articles import ArticleRepository

if TYPE_CHECKING:
    from ..entities.article import Article
    from app.entities.user import User


class ArticleService:
    def __init__(self, articles: ArticleRepository | None = None) -> None:
        self.articles = articles or ArticleRepository()

    def get(self, slug: str) -> Article:
        article = self.articles.get_by_slug(slug)
        if article is None:
            abort(404, description=f"article {slug!r} not found")
        return article

    def create(self, author: User, title: str, description: str, body: str) -> Article:
        return self.articles.add(author_id=author.id, title=title, description=description, body=body)

    def update(self, slug: str, author: User, **changes: str) -> Article:
        article = self.get(slug)
        if article.author_id != author.id:
            abort(403)
        return self.articles.update(article, **changes)

    def delete(self, slug: str, author: User) -> None:
        article = self.get(slug)
        if article.author_id != author.id:
            abort(403)
        self.articles.delete(article)
