from app.data_access.users import UserRepository
from app.use_cases.auth import AuthService, PasswordHasher


def test_register_then_find_by_email(app):
    with app.app_context():
        AuthService().register("ann", "ann@example.com", "s3cret!")
        user = UserRepository().get_by_email("ann@example.com")
        assert user is not None
        assert user.check_password("s3cret!", PasswordHasher())
