from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shop.models.order import Order


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, order_id: int) -> Order | None:
        query = select(Order).where(Order.id == order_id).options(selectinload(Order.lines))
        return self.session.scalar(query)

    def list_for_customer(self, email: str) -> Sequence[Order]:
        query = select(Order).where(Order.customer_email == email).order_by(Order.created_at.desc())
        return self.session.scalars(query.options(selectinload(Order.lines))).all()

    def save(self, order: Order) -> Order:
        self.session.add(order)
        self.session.commit()
        return order
