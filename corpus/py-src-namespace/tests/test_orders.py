from fastapi.testclient import TestClient

from shop.main import app


def test_health_check():
    with TestClient(app) as client:
        assert client.get("/api/health-check").json() == {"status": "ok"}


def test_order_flow():
    with TestClient(app) as client:
        product = client.post("/api/products", json={"sku": "MUG-1", "name": "Mug", "unit_price": "9.50", "stock": 3})
        assert product.status_code in (201, 409)
        products = client.get("/api/products").json()
        mug = next(item for item in products if item["sku"] == "MUG-1")
        order = client.post(
            "/api/orders",
            json={"customer_email": "ann@example.com", "lines": [{"product_id": mug["id"], "quantity": 1}]},
        )
        assert order.status_code == 201, order.text
        assert order.json()["total"] == "9.50"
