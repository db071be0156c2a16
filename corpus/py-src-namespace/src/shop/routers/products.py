from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from shop.dependencies import product_service
from shop.schemas import ProductIn, ProductOut
from shop.services.products import DuplicateSku, ProductService

router = APIRouter(prefix="/products", tags=["products"])
Products = Annotated[ProductService, Depends(product_service)]


@router.get("", response_model=list[ProductOut])
def list_products(products: Products):
    return products.catalogue()


@router.post("", response_model=ProductOut, status_code=status.HTTP_201_CREATED)
def create_product(payload: ProductIn, products: Products):
    try:
        return products.create(payload.sku, payload.name, payload.unit_price, payload.stock)
    except DuplicateSku as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, f"sku {exc} already exists") from exc
