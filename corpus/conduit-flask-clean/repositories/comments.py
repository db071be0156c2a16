from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, scoped_session

from models import Article, Comment


class CommentRepository:
    def __init__(self, session: scoped_session[Session]) -> None:
        self._session = session

    def get(self, comment_id: int) -> Comment | None:
        return self._session.get(Comment, comment_id)

    def for_article(self, article: Article) -> Sequence[Comment]:
        """The article's comments, oldest first."""
        return self._session.scalars(
            select(Comment).where(Comment.article_id == article.id).order_by(Comment.created_at, Comment.id)
        ).all()

    def save(self, comment: Comment) -> None:
        self._session.add(comment)
        self._session.commit()

    def delete(self, comment: Comment) -> None:
        self._session.delete(comment)
        self._session.commit()
