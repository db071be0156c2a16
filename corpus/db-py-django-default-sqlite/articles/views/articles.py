import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from articles.services import article_service


@csrf_exempt
def collection(request):
    if request.method == "POST":
        payload = json.loads(request.body or b"{}").get("article", {})
        article = article_service.create_article(payload)
        return JsonResponse({"article": article}, status=201)
    return JsonResponse({"articles": article_service.list_articles()})


def detail(request, slug):
    article = article_service.get_article(slug)
    if article is None:
        return JsonResponse({"errors": {"article": ["not found"]}}, status=404)
    return JsonResponse({"article": article})
