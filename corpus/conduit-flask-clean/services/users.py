from collections.abc import Mapping

from models import User
from repositories.users import UserRepository
from services import validation
from services.errors import AuthenticationError, ValidationError
from services.security import TokenService, hash_password, verify_password
from services.viewers import signed_in_user
from services.views import UserView


class UserService:
    """Registration, login and the current user's account."""

    def __init__(self, users: UserRepository, tokens: TokenService) -> None:
        self._users = users
        self._tokens = tokens

    def register(self, data: Mapping[str, object]) -> UserView:
        username = validation.required_text(data, "username")
        email = validation.email(data)
        password = validation.required_text(data, "password", strip=False)
        self._ensure_available(username=username, email=email)
        user = User(username=username, email=email, password_hash=hash_password(password))
        self._users.save(user)
        return self._view(user)

    def login(self, data: Mapping[str, object]) -> UserView:
        email = validation.required_text(data, "email")
        password = validation.required_text(data, "password", strip=False)
        user = self._users.find_by_email(email)
        if user is None or not verify_password(password, user.password_hash):
            raise AuthenticationError("email or password is invalid")
        return self._view(user)

    def authenticate(self, token: str) -> int:
        """The id of the user the token was issued to."""
        return signed_in_user(self._users, self._tokens.user_id(token)).id

    def current(self, user_id: int) -> UserView:
        return self._view(signed_in_user(self._users, user_id))

    def update(self, user_id: int, data: Mapping[str, object]) -> UserView:
        """Changes the fields present in `data`; the others keep their values."""
        user = signed_in_user(self._users, user_id)
        username = validation.required_text(data, "username") if "username" in data else user.username
        email = validation.email(data) if "email" in data else user.email
        self._ensure_available(
            username=username if username != user.username else None,
            email=email if email != user.email else None,
        )
        user.username, user.email = username, email
        if "password" in data:
            user.password_hash = hash_password(validation.required_text(data, "password", strip=False))
        if "bio" in data:
            user.bio = validation.optional_text(data, "bio")
        if "image" in data:
            user.image = validation.optional_text(data, "image")
        self._users.save(user)
        return self._view(user)

    def _ensure_available(self, *, username: str | None, email: str | None) -> None:
        taken = []
        if username is not None and self._users.find_by_username(username) is not None:
            taken.append("username has already been taken")
        if email is not None and self._users.find_by_email(email) is not None:
            taken.append("email has already been taken")
        if taken:
            raise ValidationError(*taken)

    def _view(self, user: User) -> UserView:
        return UserView(
            email=user.email,
            token=self._tokens.issue(user.id),
            username=user.username,
            bio=user.bio,
            image=user.image,
        )
