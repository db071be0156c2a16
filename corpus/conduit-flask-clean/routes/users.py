from flask import Blueprint

from routes.auth import RequestAuth
from routes.payloads import JSON, body_object, user_json
from services.users import UserService


def users_blueprint(users: UserService, auth: RequestAuth) -> Blueprint:
    blueprint = Blueprint("users", __name__, url_prefix="/api")

    @blueprint.post("/users")
    def register() -> tuple[JSON, int]:
        return user_json(users.register(body_object("user"))), 201

    @blueprint.post("/users/login")
    def login() -> JSON:
        return user_json(users.login(body_object("user")))

    @blueprint.get("/user")
    def current_user() -> JSON:
        return user_json(users.current(auth.user_id()))

    @blueprint.put("/user")
    def update_user() -> JSON:
        return user_json(users.update(auth.user_id(), body_object("user")))

    return blueprint
