"""Checks on the fields of a request object (decoded JSON), raising `ValidationError`."""

import re
from collections.abc import Mapping

from services.errors import ValidationError

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def required_text(data: Mapping[str, object], field: str, *, strip: bool = True) -> str:
    """The non-blank string `data[field]`, stripped of surrounding spaces unless told not to."""
    value = data.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} can't be blank")
    return value.strip() if strip else value


def optional_text(data: Mapping[str, object], field: str) -> str | None:
    """A string or null (`None`); an empty string counts as null."""
    value = data.get(field)
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{field} must be a string or null")
    return value or None


def email(data: Mapping[str, object], field: str = "email") -> str:
    value = required_text(data, field)
    if not _EMAIL.fullmatch(value):
        raise ValidationError(f"{field} is invalid")
    return value


def tag_list(data: Mapping[str, object], field: str = "tagList") -> list[str]:
    """The distinct, non-blank tags, in the order given; none when the field is absent or null."""
    value = data.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise ValidationError(f"{field} must be a list of strings")
    return list(dict.fromkeys(tag.strip() for tag in value if tag.strip()))
