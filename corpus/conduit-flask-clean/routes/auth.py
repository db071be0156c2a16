from flask import request

from services.errors import AuthenticationError
from services.users import UserService


class RequestAuth:
    """Reads the `Authorization: Token <jwt>` header of the current request."""

    def __init__(self, users: UserService) -> None:
        self._users = users

    def user_id(self) -> int:
        """The signed-in user's id; 401 without a valid token."""
        user_id = self.optional_user_id()
        if user_id is None:
            raise AuthenticationError("authorization token is missing")
        return user_id

    def optional_user_id(self) -> int | None:
        """The signed-in user's id, or None for an anonymous request; 401 for an invalid token."""
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _, token = header.partition(" ")
        if scheme != "Token" or not token.strip():
            raise AuthenticationError("the Authorization header must read 'Token <jwt>'")
        return self._users.authenticate(token.strip())
