def test_health_check(client):
    assert client.get("/api/health-check").json() == {"status": "ok"}


def test_create_and_read_article(client):
    created = client.post("/api/articles", json={"title": "Hello World", "body": "hi"})
    assert created.status_code == 201
    assert client.get("/api/articles/hello-world").json()["article"]["title"] == "Hello World"
