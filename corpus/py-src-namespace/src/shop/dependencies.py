"""FastAPI dependency providers: the one place where repositories are wired into services."""

from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from shop.database import get_session
from shop.repositories.orders import OrderRepository
from shop.repositories.products import ProductRepository
from shop.services.orders import OrderService
from shop.services.products import ProductService

SessionDep = Annotated[Session, Depends(get_session)]


def product_service(session: SessionDep) -> ProductService:
    return ProductService(ProductRepository(session))


def order_service(session: SessionDep) -> OrderService:
    return OrderService(OrderRepository(session), ProductRepository(session))
