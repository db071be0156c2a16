class DomainError(Exception):
    """A use case cannot be carried out; `messages` say why, for the client."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


class ValidationError(DomainError):
    """The input breaks a rule: a field is missing or malformed, a name is taken."""


class AuthenticationError(DomainError):
    """The caller is not authenticated: no or an invalid token, wrong credentials."""


class PermissionDeniedError(DomainError):
    """The caller is authenticated but may not do this."""


class NotFoundError(DomainError):
    """What the caller named does not exist."""
