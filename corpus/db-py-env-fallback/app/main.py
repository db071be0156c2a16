from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.db.session import Base, engine
from app.routes import articles, health


@asynccontextmanager
async def lifespan(_app: FastAPI):
    Base.metadata.create_all(bind=engine)
    yield


app = FastAPI(title="Conduit", lifespan=lifespan)
app.include_router(health.router, prefix="/api")
app.include_router(articles.router, prefix="/api")
