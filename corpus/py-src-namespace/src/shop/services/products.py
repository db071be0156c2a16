from collections.abc import Sequence
from decimal import Decimal

from shop.models.product import Product
from shop.repositories.products import ProductRepository


class DuplicateSku(Exception):
    pass


class ProductService:
    def __init__(self, products: ProductRepository) -> None:
        self.products = products

    def catalogue(self) -> Sequence[Product]:
        return self.products.list()

    def create(self, sku: str, name: str, unit_price: Decimal, stock: int = 0) -> Product:
        if self.products.get_by_sku(sku) is not None:
            raise DuplicateSku(sku)
        return self.products.add(Product(sku=sku, name=name, unit_price=unit_price, stock=stock))
