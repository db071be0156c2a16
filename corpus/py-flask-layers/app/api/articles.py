from flask import Blueprint, abort, current_app, jsonify, request, session

from app.data_access.articles import ArticleRepository
from app.schemas.article import article_to_dict, parse_article
from app.use_cases.articles import ArticleService
from app.use_cases.auth import AuthService

bp = Blueprint("articles", __name__)
articles = ArticleService()
auth = AuthService()


def _current_user():
    user_id = session.get("user_id")
    user = auth.current(user_id) if user_id is not None else None
    if user is None:
        abort(401)
    return user


@bp.get("/articles")
def list_articles():
    limit = request.args.get("limit", current_app.config["PAGE_SIZE"], type=int)
    offset = request.args.get("offset", 0, type=int)
    found = ArticleRepository().list_recent(limit=limit, offset=offset)
    return jsonify(articles=[article_to_dict(article) for article in found], articlesCount=len(found))


@bp.get("/articles/<slug>")
def get_article(slug: str):
    return jsonify(article=article_to_dict(articles.get(slug)))


@bp.post("/articles")
def create_article():
    fields = parse_article(request.get_json(force=True))
    article = articles.create(_current_user(), **fields)
    return jsonify(article=article_to_dict(article)), 201


@bp.put("/articles/<slug>")
def update_article(slug: str):
    fields = parse_article(request.get_json(force=True), partial=True)
    article = articles.update(slug, _current_user(), **fields)
    return jsonify(article=article_to_dict(article))


@bp.delete("/articles/<slug>")
def delete_article(slug: str):
    articles.delete(slug, _current_user())
    return "", 204
