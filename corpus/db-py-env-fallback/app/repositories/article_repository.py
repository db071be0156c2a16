from sqlalchemy import select

from app.models.article import Article


class ArticleRepository:
    def __init__(self, session):
        self.session = session

    def all(self):
        return list(self.session.scalars(select(Article).order_by(Article.id.desc())))

    def by_slug(self, slug):
        return self.session.scalars(select(Article).where(Article.slug == slug)).first()

    def add(self, **fields):
        article = Article(**fields)
        self.session.add(article)
        self.session.commit()
        return article
