import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

import jwt

from services.errors import AuthenticationError

# scrypt cost parameters (RFC 7914): about 16 MiB of memory and a few tens of milliseconds per hash.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${salt.hex()}${_scrypt(password, salt).hex()}"


def verify_password(password: str, password_hash: str) -> bool:
    _, salt, digest = password_hash.split("$")
    return hmac.compare_digest(_scrypt(password, bytes.fromhex(salt)), bytes.fromhex(digest))


def _scrypt(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)


class TokenService:
    """Issues and checks the JSON Web Tokens (HS256) that identify a user."""

    def __init__(self, secret: str, lifetime: timedelta = timedelta(days=1)) -> None:
        self._secret = secret
        self._lifetime = lifetime

    def issue(self, user_id: int) -> str:
        now = datetime.now(UTC)
        claims = {"sub": str(user_id), "iat": now, "exp": now + self._lifetime}
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def user_id(self, token: str) -> int:
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=["HS256"], options={"require": ["sub", "exp"]}
            )
            return int(claims["sub"])
        except (jwt.InvalidTokenError, ValueError) as error:
            raise AuthenticationError("token is invalid or expired") from error
