"""Data access for articles through the Django ORM."""

from articles.models.article import Article


def all_articles():
    return list(Article.objects.order_by("-created_at"))


def find_by_slug(slug):
    return Article.objects.filter(slug=slug).first()


def add(slug, title, body):
    return Article.objects.create(slug=slug, title=title, body=body)
