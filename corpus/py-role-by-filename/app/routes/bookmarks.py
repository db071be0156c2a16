from flask import Blueprint, jsonify, request

from app.services.bookmarks import BookmarkService

bp = Blueprint("bookmarks", __name__)
service = BookmarkService()


def _owner() -> str:
    return request.headers.get("X-User-Email", "anonymous@example.com")


@bp.get("/bookmarks")
def list_bookmarks():
    return jsonify(bookmarks=[b.to_dict() for b in service.list_for(_owner())])


@bp.post("/bookmarks")
def add_bookmark():
    payload = request.get_json(force=True) or {}
    if not payload.get("url"):
        return jsonify(error="url is required"), 422
    bookmark = service.add(_owner(), payload["url"], payload.get("title", ""))
    return jsonify(bookmark=bookmark.to_dict()), 201
