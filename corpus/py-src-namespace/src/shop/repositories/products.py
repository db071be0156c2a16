from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.models.product import Product


class ProductRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> Sequence[Product]:
        return self.session.scalars(select(Product).order_by(Product.name)).all()

    def get(self, product_id: int) -> Product | None:
        return self.session.get(Product, product_id)

    def get_by_sku(self, sku: str) -> Product | None:
        return self.session.scalar(select(Product).where(Product.sku == sku))

    def add(self, product: Product) -> Product:
        self.session.add(product)
        self.session.commit()
        return product
