from flask import Blueprint, abort, jsonify, request, session

from ..schemas.user import user_to_dict
from ..use_cases.auth import AuthService, InvalidCredentials, UsernameTaken

bp = Blueprint("users", __name__)
auth = AuthService()


@bp.post("/users")
def register():
    payload = request.get_json(force=True).get("user") or {}
    try:
        user = auth.register(payload["username"], payload["email"], payload["password"])
    except KeyError as missing:
        return jsonify(errors={str(missing): ["can't be blank"]}), 422
    except UsernameTaken:
        return jsonify(errors={"username": ["has already been taken"]}), 422
    session["user_id"] = user.id
    return jsonify(user=user_to_dict(user)), 201


@bp.post("/users/login")
def login():
    payload = request.get_json(force=True).get("user") or {}
    try:
        user = auth.login(payload.get("email", ""), payload.get("password", ""))
    except InvalidCredentials:
        return jsonify(errors={"email or password": ["is invalid"]}), 401
    session["user_id"] = user.id
    return jsonify(user=user_to_dict(user))


@bp.get("/user")
def current_user():
    user_id = session.get("user_id")
    user = auth.current(user_id) if user_id is not None else None
    if user is None:
        abort(401)
    return jsonify(user=user_to_dict(user))
