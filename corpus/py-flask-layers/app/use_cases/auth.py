from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from app.data_access.users import UserRepository

if TYPE_CHECKING:
    from app.entities.user import User


class InvalidCredentials(Exception):
    pass


class UsernameTaken(Exception):
    pass


class PasswordHasher:
    iterations = 310_000

    def hash(self, password: str) -> str:
        salt = secrets.token_hex(16)
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), self.iterations)
        return f"{salt}${digest.hex()}"

    def verify(self, password: str, stored: str) -> bool:
        salt, _, expected = stored.partition("$")
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), self.iterations)
        return hmac.compare_digest(digest.hex(), expected)


class AuthService:
    def __init__(self, users: UserRepository | None = None, hasher: PasswordHasher | None = None) -> None:
        self.users = users or UserRepository()
        self.hasher = hasher or PasswordHasher()

    def register(self, username: str, email: str, password: str) -> User:
        if self.users.get_by_username(username) is not None:
            raise UsernameTaken(username)
        return self.users.add(username=username, email=email, password_hash=self.hasher.hash(password))

    def login(self, email: str, password: str) -> User:
        user = self.users.get_by_email(email)
        if user is None or not user.check_password(password, self.hasher):
            raise InvalidCredentials(email)
        return user

    def current(self, user_id: int) -> User | None:
        return self.users.get(user_id)
