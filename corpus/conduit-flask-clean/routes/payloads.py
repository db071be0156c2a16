"""Reading request bodies and query strings, and rendering service views as the API's JSON."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import request

from services.errors import ValidationError
from services.views import ArticlePage, ArticleView, CommentView, ProfileView, UserView

JSON = dict[str, Any]


def body_object(key: str) -> Mapping[str, object]:
    """The object under `key` in the JSON body, as in `{"user": {...}}`."""
    payload = request.get_json(silent=True)
    value = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(value, dict):
        raise ValidationError(f"the request body must be a JSON object with a '{key}' object")
    return value


def query_int(name: str, default: int) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValidationError(f"{name} must be an integer") from None


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as in `2024-05-01T12:30:00.000Z`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def user_json(user: UserView) -> JSON:
    return {
        "user": {
            "email": user.email,
            "token": user.token,
            "username": user.username,
            "bio": user.bio,
            "image": user.image,
        }
    }


def profile_json(profile: ProfileView) -> JSON:
    return {
        "username": profile.username,
        "bio": profile.bio,
        "image": profile.image,
        "following": profile.following,
    }


def article_json(article: ArticleView, *, with_body: bool = True) -> JSON:
    rendered = {
        "slug": article.slug,
        "title": article.title,
        "description": article.description,
        "body": article.body,
        "tagList": article.tag_list,
        "createdAt": timestamp(article.created_at),
        "updatedAt": timestamp(article.updated_at),
        "favorited": article.favorited,
        "favoritesCount": article.favorites_count,
        "author": profile_json(article.author),
    }
    if not with_body:
        del rendered["body"]
    return rendered


def article_page_json(page: ArticlePage) -> JSON:
    """A list of articles; as in the API specification, list items carry no body."""
    return {
        "articles": [article_json(article, with_body=False) for article in page.articles],
        "articlesCount": page.articles_count,
    }


def comment_json(comment: CommentView) -> JSON:
    return {
        "id": comment.id,
        "body": comment.body,
        "createdAt": timestamp(comment.created_at),
        "updatedAt": timestamp(comment.updated_at),
        "author": profile_json(comment.author),
    }
