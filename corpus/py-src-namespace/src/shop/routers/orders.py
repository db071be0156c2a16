from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from shop.dependencies import order_service
from shop.schemas import OrderIn, OrderOut
from shop.services.orders import LineRequest, OrderError, OrderService

router = APIRouter(prefix="/orders", tags=["orders"])
Orders = Annotated[OrderService, Depends(order_service)]


@router.post("", response_model=OrderOut, status_code=status.HTTP_201_CREATED)
def place_order(payload: OrderIn, orders: Orders):
    lines = [LineRequest(line.product_id, line.quantity) for line in payload.lines]
    try:
        return orders.place(payload.customer_email, lines)
    except OrderError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from exc


@router.get("/{order_id}", response_model=OrderOut)
def get_order(order_id: int, orders: Orders):
    order = orders.find(order_id)
    if order is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "order not found")
    return order


@router.get("", response_model=list[OrderOut])
def order_history(customer_email: str, orders: Orders):
    return orders.history(customer_email)
