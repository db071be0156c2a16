from django.urls import path

from articles.views import articles, health

urlpatterns = [
    path("health-check", health.health_check),
    path("articles", articles.collection),
    path("articles/<slug:slug>", articles.detail),
]
