from app.api.articles import bp
from app.data_access.articles import ArticleRepository

USER = {"user": {"username": "jake", "email": "jake@example.com", "password": "jakejake"}}
ARTICLE = {"article": {"title": "How to train your dragon", "description": "Ever wonder how?", "body": "Very carefully."}}


def test_blueprint_is_named_after_the_resource():
    assert bp.name == "articles"


def test_listing_starts_empty(client):
    response = client.get("/api/articles")
    assert response.status_code == 200
    assert response.get_json() == {"articles": [], "articlesCount": 0}


def test_created_article_is_stored_with_a_slug(app, client):
    assert client.post("/api/users", json=USER).status_code == 201
    created = client.post("/api/articles", json=ARTICLE)
    assert created.status_code == 201
    with app.app_context():
        (stored,) = ArticleRepository().list_recent()
        assert stored.slug.startswith("how-to-train-your-dragon-")
