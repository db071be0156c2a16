from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.db.session import get_session
from app.services import article_service

router = APIRouter(prefix="/articles", tags=["articles"])


class NewArticle(BaseModel):
    title: str
    body: str = ""


@router.get("")
def list_articles(session: Session = Depends(get_session)):
    return {"articles": article_service.list_articles(session)}


@router.post("", status_code=201)
def create_article(article: NewArticle, session: Session = Depends(get_session)):
    return {"article": article_service.create_article(session, article.title, article.body)}


@router.get("/{slug}")
def get_article(slug: str, session: Session = Depends(get_session)):
    article = article_service.get_article(session, slug)
    if article is None:
        raise HTTPException(status_code=404, detail="article not found")
    return {"article": article}
