"""Use cases of articles; no HTTP and no framework here."""

import re

from articles.repositories import article_repository


def list_articles():
    return [_to_dict(article) for article in article_repository.all_articles()]


def get_article(slug):
    article = article_repository.find_by_slug(slug)
    return _to_dict(article) if article is not None else None


def create_article(payload):
    title = payload.get("title", "").strip()
    article = article_repository.add(slug=_slugify(title), title=title, body=payload.get("body", ""))
    return _to_dict(article)


def _slugify(title):
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _to_dict(article):
    return {"slug": article.slug, "title": article.title, "body": article.body}
