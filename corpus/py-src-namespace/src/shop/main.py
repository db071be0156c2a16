import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shop.database import Base, engine
from shop.routers import orders, products


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Every model module has been imported through the routers by now.
    Base.metadata.create_all(bind=engine)
    yield


app = FastAPI(title="shop", lifespan=lifespan)
app.include_router(products.router, prefix="/api")
app.include_router(orders.router, prefix="/api")
# The health router is looked up by name: deployments may swap it for their own probe module.
health = importlib.import_module("shop.routers.health")
app.include_router(health.router, prefix="/api")
