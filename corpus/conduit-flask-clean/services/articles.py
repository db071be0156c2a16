import re
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime

from models import Article, User
from repositories.articles import ArticleQuery, ArticleRepository
from repositories.tags import TagRepository
from repositories.users import UserRepository
from services import validation
from services.errors import NotFoundError, PermissionDeniedError, ValidationError
from services.viewers import optional_viewer, signed_in_user
from services.views import ArticlePage, ArticleView, article_view

MAX_LIMIT = 100
MAX_OFFSET = 2**31 - 1  # well within the integer range of every engine


class ArticleService:
    """Articles: listing, the feed, writing, and favourites; and the tags in use."""

    def __init__(self, articles: ArticleRepository, tags: TagRepository, users: UserRepository) -> None:
        self._articles = articles
        self._tags = tags
        self._users = users

    def list_articles(
        self,
        viewer_id: int | None,
        *,
        tag: str | None = None,
        author: str | None = None,
        favorited: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> ArticlePage:
        query = ArticleQuery(tag=tag, author=author, favorited_by=favorited, limit=limit, offset=offset)
        return self._page(query, optional_viewer(self._users, viewer_id))

    def feed(self, viewer_id: int, *, limit: int = 20, offset: int = 0) -> ArticlePage:
        """Articles by the users the viewer follows."""
        query = ArticleQuery(followed_by_id=viewer_id, limit=limit, offset=offset)
        return self._page(query, signed_in_user(self._users, viewer_id))

    def get(self, slug: str, viewer_id: int | None) -> ArticleView:
        return article_view(self._find(slug), optional_viewer(self._users, viewer_id))

    def create(self, author_id: int, data: Mapping[str, object]) -> ArticleView:
        author = signed_in_user(self._users, author_id)
        title = validation.required_text(data, "title")
        now = datetime.now(UTC)
        article = Article(
            slug=self._unique_slug(title),
            title=title,
            description=validation.required_text(data, "description"),
            body=validation.required_text(data, "body"),
            created_at=now,
            updated_at=now,
            author=author,
            tags=self._tags.get_or_create(validation.tag_list(data)),
        )
        self._articles.save(article)
        return article_view(article, author)

    def update(self, slug: str, user_id: int, data: Mapping[str, object]) -> ArticleView:
        """Changes the fields present in `data`; a new title gives a new slug."""
        user, article = signed_in_user(self._users, user_id), self._find(slug)
        self._ensure_author(article, user)
        if "title" in data and (title := validation.required_text(data, "title")) != article.title:
            article.title, article.slug = title, self._unique_slug(title, current=article.slug)
        if "description" in data:
            article.description = validation.required_text(data, "description")
        if "body" in data:
            article.body = validation.required_text(data, "body")
        article.updated_at = datetime.now(UTC)
        self._articles.save(article)
        return article_view(article, user)

    def delete(self, slug: str, user_id: int) -> None:
        user, article = signed_in_user(self._users, user_id), self._find(slug)
        self._ensure_author(article, user)
        self._articles.delete(article)

    def favorite(self, slug: str, user_id: int) -> ArticleView:
        user, article = signed_in_user(self._users, user_id), self._find(slug)
        article.favorited_by.add(user)
        self._articles.save(article)
        return article_view(article, user)

    def unfavorite(self, slug: str, user_id: int) -> ArticleView:
        user, article = signed_in_user(self._users, user_id), self._find(slug)
        article.favorited_by.discard(user)
        self._articles.save(article)
        return article_view(article, user)

    def tags(self) -> list[str]:
        return self._tags.names_in_use()

    def _page(self, query: ArticleQuery, viewer: User | None) -> ArticlePage:
        if not 1 <= query.limit <= MAX_LIMIT:
            raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}")
        if not 0 <= query.offset <= MAX_OFFSET:
            raise ValidationError(f"offset must be between 0 and {MAX_OFFSET}")
        articles, count = self._articles.search(query)
        return ArticlePage([article_view(article, viewer) for article in articles], count)

    def _find(self, slug: str) -> Article:
        article = self._articles.find_by_slug(slug)
        if article is None:
            raise NotFoundError(f"article '{slug}' not found")
        return article

    @staticmethod
    def _ensure_author(article: Article, user: User) -> None:
        if article.author is not user:
            raise PermissionDeniedError("only the author may change or delete this article")

    def _unique_slug(self, title: str, current: str | None = None) -> str:
        """The title in lower-case ASCII words joined by hyphens, with a random suffix if taken."""
        ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
        slug = base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "article"
        while slug != current and self._articles.slug_exists(slug):
            slug = f"{base}-{secrets.token_hex(3)}"
        return slug
