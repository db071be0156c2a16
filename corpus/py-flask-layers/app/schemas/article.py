from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import abort

from .user import user_to_dict

if TYPE_CHECKING:
    from app.entities.article import Article

FIELDS = ("title", "description", "body")


def parse_article(payload: dict[str, Any], *, partial: bool = False) -> dict[str, str]:
    data = payload.get("article") or {}
    fields = {name: str(data[name]) for name in FIELDS if data.get(name) is not None}
    missing = [name for name in FIELDS if name not in fields]
    if missing and not partial:
        abort(422, description=f"missing fields: {', '.join(missing)}")
    return fields


def article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "slug": article.slug,
        "title": article.title,
        "description": article.description,
        "body": article.body,
        "createdAt": article.created_at.isoformat(),
        "updatedAt": article.updated_at.isoformat(),
        "author": user_to_dict(article.author, with_email=False),
    }
