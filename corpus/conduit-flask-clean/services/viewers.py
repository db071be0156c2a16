"""Who is asking: the user behind an authenticated request."""

from models import User
from repositories.users import UserRepository
from services.errors import AuthenticationError


def signed_in_user(users: UserRepository, user_id: int) -> User:
    user = users.get(user_id)
    if user is None:
        raise AuthenticationError("token is invalid or expired")
    return user


def optional_viewer(users: UserRepository, user_id: int | None) -> User | None:
    return None if user_id is None else signed_in_user(users, user_id)
