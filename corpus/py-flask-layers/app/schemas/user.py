from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.entities.user import User


def user_to_dict(user: User, *, with_email: bool = True) -> dict[str, Any]:
    shape: dict[str, Any] = {"username": user.username, "bio": user.bio}
    if with_email:
        shape["email"] = user.email
    return shape
