from flask import Blueprint

from routes.auth import RequestAuth
from routes.payloads import JSON, profile_json
from services.profiles import ProfileService


def profiles_blueprint(profiles: ProfileService, auth: RequestAuth) -> Blueprint:
    blueprint = Blueprint("profiles", __name__, url_prefix="/api")

    @blueprint.get("/profiles/<username>")
    def get_profile(username: str) -> JSON:
        return {"profile": profile_json(profiles.get(username, auth.optional_user_id()))}

    @blueprint.post("/profiles/<username>/follow")
    def follow(username: str) -> JSON:
        return {"profile": profile_json(profiles.follow(username, auth.user_id()))}

    @blueprint.delete("/profiles/<username>/follow")
    def unfollow(username: str) -> JSON:
        return {"profile": profile_json(profiles.unfollow(username, auth.user_id()))}

    return blueprint
