"""Article use cases: framework-free, the session is passed in."""

import re

from app.repositories.article_repository import ArticleRepository


def list_articles(session):
    return [_to_dict(a) for a in ArticleRepository(session).all()]


def get_article(session, slug):
    article = ArticleRepository(session).by_slug(slug)
    return _to_dict(article) if article is not None else None


def create_article(session, title, body):
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return _to_dict(ArticleRepository(session).add(slug=slug, title=title, body=body))


def _to_dict(article):
    return {"slug": article.slug, "title": article.title, "body": article.body}
