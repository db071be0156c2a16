from collections.abc import Sequence
from dataclasses import dataclass

from shop.models.order import Order, OrderLine
from shop.repositories.orders import OrderRepository
from shop.repositories.products import ProductRepository


class OrderError(Exception):
    pass


@dataclass(frozen=True)
class LineRequest:
    product_id: int
    quantity: int


class OrderService:
    def __init__(self, orders: OrderRepository, products: ProductRepository) -> None:
        self.orders = orders
        self.products = products

    def place(self, customer_email: str, lines: Sequence[LineRequest]) -> Order:
        if not lines:
            raise OrderError("an order needs at least one line")
        order = Order(customer_email=customer_email)
        for requested in lines:
            product = self.products.get(requested.product_id)
            if product is None:
                raise OrderError(f"unknown product {requested.product_id}")
            if product.stock < requested.quantity:
                raise OrderError(f"only {product.stock} left of {product.sku}")
            product.stock -= requested.quantity
            order.lines.append(
                OrderLine(product=product, quantity=requested.quantity, unit_price=product.unit_price)
            )
        return self.orders.save(order)

    def find(self, order_id: int) -> Order | None:
        return self.orders.get(order_id)

    def history(self, customer_email: str) -> Sequence[Order]:
        return self.orders.list_for_customer(customer_email)
