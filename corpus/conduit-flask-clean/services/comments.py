from collections.abc import Mapping
from datetime import UTC, datetime

from models import Article, Comment
from repositories.articles import ArticleRepository
from repositories.comments import CommentRepository
from repositories.users import UserRepository
from services import validation
from services.errors import NotFoundError, PermissionDeniedError
from services.viewers import optional_viewer, signed_in_user
from services.views import CommentView, comment_view


class CommentService:
    """Comments on articles."""

    def __init__(
        self, comments: CommentRepository, articles: ArticleRepository, users: UserRepository
    ) -> None:
        self._comments = comments
        self._articles = articles
        self._users = users

    def list_comments(self, slug: str, viewer_id: int | None) -> list[CommentView]:
        viewer = optional_viewer(self._users, viewer_id)
        return [comment_view(comment, viewer) for comment in self._comments.for_article(self._article(slug))]

    def add(self, slug: str, author_id: int, data: Mapping[str, object]) -> CommentView:
        author, article = signed_in_user(self._users, author_id), self._article(slug)
        now = datetime.now(UTC)
        comment = Comment(
            body=validation.required_text(data, "body"),
            created_at=now,
            updated_at=now,
            article=article,
            author=author,
        )
        self._comments.save(comment)
        return comment_view(comment, author)

    def delete(self, slug: str, comment_id: int, user_id: int) -> None:
        user, article = signed_in_user(self._users, user_id), self._article(slug)
        comment = self._comments.get(comment_id)
        if comment is None or comment.article_id != article.id:
            raise NotFoundError(f"comment {comment_id} not found on article '{slug}'")
        if comment.author is not user:
            raise PermissionDeniedError("only the author may delete this comment")
        self._comments.delete(comment)

    def _article(self, slug: str) -> Article:
        article = self._articles.find_by_slug(slug)
        if article is None:
            raise NotFoundError(f"article '{slug}' not found")
        return article
