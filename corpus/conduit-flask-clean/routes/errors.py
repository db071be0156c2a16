from functools import partial

from flask import Flask
from werkzeug.exceptions import HTTPException

from routes.payloads import JSON
from services.errors import (
    AuthenticationError,
    DomainError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)

_STATUS_OF: dict[type[DomainError], int] = {
    ValidationError: 422,
    AuthenticationError: 401,
    PermissionDeniedError: 403,
    NotFoundError: 404,
}


def register_error_handlers(app: Flask) -> None:
    """Every error, from a use case or from HTTP itself, becomes `{"errors": {"body": [...]}}`."""
    for error_type, status in _STATUS_OF.items():
        app.register_error_handler(error_type, partial(_domain_error, status=status))
    app.register_error_handler(HTTPException, _http_error)


def _domain_error(error: DomainError, status: int) -> tuple[JSON, int]:
    return {"errors": {"body": error.messages}}, status


def _http_error(error: HTTPException) -> tuple[JSON, int]:
    return {"errors": {"body": [error.description or error.name]}}, error.code or 500
