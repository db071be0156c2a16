"""What the use cases return: plain, immutable values, independent of storage and of HTTP."""

from dataclasses import dataclass
from datetime import datetime

from models import Article, Comment, User


@dataclass(frozen=True)
class UserView:
    email: str
    token: str
    username: str
    bio: str | None
    image: str | None


@dataclass(frozen=True)
class ProfileView:
    username: str
    bio: str | None
    image: str | None
    following: bool


@dataclass(frozen=True)
class ArticleView:
    slug: str
    title: str
    description: str
    body: str
    tag_list: list[str]
    created_at: datetime
    updated_at: datetime
    favorited: bool
    favorites_count: int
    author: ProfileView


@dataclass(frozen=True)
class ArticlePage:
    articles: list[ArticleView]
    articles_count: int


@dataclass(frozen=True)
class CommentView:
    id: int
    body: str
    created_at: datetime
    updated_at: datetime
    author: ProfileView


def profile_view(user: User, viewer: User | None) -> ProfileView:
    following = viewer is not None and user in viewer.following
    return ProfileView(username=user.username, bio=user.bio, image=user.image, following=following)


def article_view(article: Article, viewer: User | None) -> ArticleView:
    return ArticleView(
        slug=article.slug,
        title=article.title,
        description=article.description,
        body=article.body,
        tag_list=sorted(tag.name for tag in article.tags),
        created_at=article.created_at,
        updated_at=article.updated_at,
        favorited=viewer is not None and viewer in article.favorited_by,
        favorites_count=len(article.favorited_by),
        author=profile_view(article.author, viewer),
    )


def comment_view(comment: Comment, viewer: User | None) -> CommentView:
    return CommentView(
        id=comment.id,
        body=comment.body,
        created_at=comment.created_at,
        updated_at=comment.updated_at,
        author=profile_view(comment.author, viewer),
    )
