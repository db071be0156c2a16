from flask import Blueprint, request

from routes.auth import RequestAuth
from routes.payloads import JSON, article_json, article_page_json, body_object, query_int
from services.articles import ArticleService


def articles_blueprint(articles: ArticleService, auth: RequestAuth) -> Blueprint:
    blueprint = Blueprint("articles", __name__, url_prefix="/api")

    @blueprint.get("/articles")
    def list_articles() -> JSON:
        page = articles.list_articles(
            auth.optional_user_id(),
            tag=request.args.get("tag"),
            author=request.args.get("author"),
            favorited=request.args.get("favorited"),
            limit=query_int("limit", 20),
            offset=query_int("offset", 0),
        )
        return article_page_json(page)

    @blueprint.get("/articles/feed")
    def feed() -> JSON:
        page = articles.feed(auth.user_id(), limit=query_int("limit", 20), offset=query_int("offset", 0))
        return article_page_json(page)

    @blueprint.post("/articles")
    def create_article() -> tuple[JSON, int]:
        article = articles.create(auth.user_id(), body_object("article"))
        return {"article": article_json(article)}, 201

    @blueprint.get("/articles/<slug>")
    def get_article(slug: str) -> JSON:
        return {"article": article_json(articles.get(slug, auth.optional_user_id()))}

    @blueprint.put("/articles/<slug>")
    def update_article(slug: str) -> JSON:
        return {"article": article_json(articles.update(slug, auth.user_id(), body_object("article")))}

    @blueprint.delete("/articles/<slug>")
    def delete_article(slug: str) -> tuple[str, int]:
        articles.delete(slug, auth.user_id())
        return "", 200

    @blueprint.post("/articles/<slug>/favorite")
    def favorite(slug: str) -> JSON:
        return {"article": article_json(articles.favorite(slug, auth.user_id()))}

    @blueprint.delete("/articles/<slug>/favorite")
    def unfavorite(slug: str) -> JSON:
        return {"article": article_json(articles.unfavorite(slug, auth.user_id()))}

    @blueprint.get("/tags")
    def tags() -> JSON:
        return {"tags": articles.tags()}

    return blueprint
