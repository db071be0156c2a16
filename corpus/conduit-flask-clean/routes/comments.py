from flask import Blueprint

from routes.auth import RequestAuth
from routes.payloads import JSON, body_object, comment_json
from services.comments import CommentService


def comments_blueprint(comments: CommentService, auth: RequestAuth) -> Blueprint:
    blueprint = Blueprint("comments", __name__, url_prefix="/api")

    @blueprint.get("/articles/<slug>/comments")
    def list_comments(slug: str) -> JSON:
        return {"comments": [comment_json(c) for c in comments.list_comments(slug, auth.optional_user_id())]}

    @blueprint.post("/articles/<slug>/comments")
    def add_comment(slug: str) -> JSON:
        return {"comment": comment_json(comments.add(slug, auth.user_id(), body_object("comment")))}

    @blueprint.delete("/articles/<slug>/comments/<int:comment_id>")
    def delete_comment(slug: str, comment_id: int) -> tuple[str, int]:
        comments.delete(slug, comment_id, auth.user_id())
        return "", 200

    return blueprint
