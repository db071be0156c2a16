from models import User
from repositories.users import UserRepository
from services.errors import NotFoundError, ValidationError
from services.viewers import optional_viewer, signed_in_user
from services.views import ProfileView, profile_view


class ProfileService:
    """Public profiles, and following other users."""

    def __init__(self, users: UserRepository) -> None:
        self._users = users

    def get(self, username: str, viewer_id: int | None) -> ProfileView:
        return profile_view(self._find(username), optional_viewer(self._users, viewer_id))

    def follow(self, username: str, viewer_id: int) -> ProfileView:
        viewer, user = signed_in_user(self._users, viewer_id), self._find(username)
        if user is viewer:
            raise ValidationError("you cannot follow yourself")
        viewer.following.add(user)
        self._users.save(viewer)
        return profile_view(user, viewer)

    def unfollow(self, username: str, viewer_id: int) -> ProfileView:
        viewer, user = signed_in_user(self._users, viewer_id), self._find(username)
        viewer.following.discard(user)
        self._users.save(viewer)
        return profile_view(user, viewer)

    def _find(self, username: str) -> User:
        user = self._users.find_by_username(username)
        if user is None:
            raise NotFoundError(f"profile '{username}' not found")
        return user
