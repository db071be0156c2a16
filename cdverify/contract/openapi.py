"""Check HTTP responses against an OpenAPI 3.0 / 3.1 document.

The validation itself is openapi-core's response validator: it finds the operation and the documented
response for the status code, decodes the body by its media type and validates it with the schema.
This module only adapts a sent request and its response to openapi-core's protocols and turns the
library's exceptions into `SchemaIssue` records, one per distinct problem.

A request is matched to an operation by its path after the API base path is removed. The base path
is the path part of the spec's first `servers` URL (`/api` for RealWorld, whose server is
`https://api.realworld.io/api`), or the `base_path` given to `OpenAPIChecker.load`; the host the
request went to never matters. openapi-core is imported by `load` only, so importing cdverify does
not pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from jsonschema_path import SchemaPath
    from openapi_core import OpenAPI
    from openapi_core.datatypes import RequestParameters
    from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
    from openapi_core.templating.paths.finders import APICallPathFinder
    from werkzeug.datastructures import Headers

BUNDLED_SPECS = {"realworld": "realworld.openapi.yml"}

# The kinds of SchemaIssue.
NO_OPERATION = "no-operation"  # no path template and method of the spec match the request
UNDOCUMENTED_STATUS = "undocumented-status"  # the operation documents neither this status nor a default
MISSING_BODY = "missing-body"  # empty body where the documented response has content
UNEXPECTED_BODY = "unexpected-body"  # a body where the documented response has no content
CONTENT_TYPE = "content-type"  # the Content-Type is not one the documented response lists
UNPARSEABLE_BODY = "unparseable-body"  # the body does not decode as its media type (e.g. not JSON)
BODY = "body"  # the decoded body breaks the schema; one issue per schema error
HEADERS = "headers"  # a documented response header is missing or invalid
OTHER = "other"  # any other error openapi-core reports

_HOST = "http://cdverify.invalid"  # the host given to openapi-core: servers are matched on paths only
_MAX_MESSAGE = 240


class SpecLoadError(ValueError):
    """The OpenAPI document cannot be read or is not a valid OpenAPI 3.0 / 3.1 document."""


@dataclass(frozen=True)
class SchemaIssue:
    """One way a response departs from the spec."""

    method: str  # "GET"
    path: str  # the request path as sent, e.g. "/api/articles/how-to-train"
    operation: str | None  # "GET /articles/{slug}"; None when no operation matched
    status: int
    kind: str  # one of the kind constants above
    message: str  # one line, e.g. "articles[0].favoritesCount: '1' is not of type 'integer'"
    pointer: str = ""  # JSON pointer into the response body when known, e.g. "/articles/0/favoritesCount"


@dataclass
class _Request:
    """openapi_core.protocols.Request for a request already sent (only what response checks read)."""

    host_url: str
    path: str
    method: str  # lower case
    parameters: RequestParameters
    body: bytes | None = None
    content_type: str = ""


@dataclass(frozen=True)
class _Response:
    """openapi_core.protocols.Response."""

    status_code: int
    content_type: str  # lower case, with the charset parameter only
    headers: Headers
    data: bytes | None


@dataclass(frozen=True)
class _Exchange:
    """What every issue of one checked response shares."""

    method: str
    path: str
    operation: str | None
    status: int

    def issue(self, kind: str, message: str, pointer: str = "") -> SchemaIssue:
        return SchemaIssue(
            self.method, self.path, self.operation, self.status, kind, _one_line(message), pointer
        )


class OpenAPIChecker:
    """A loaded OpenAPI document that checks responses. Load once, check many."""

    def __init__(self, app: OpenAPI, base_path: str, source: str) -> None:
        from openapi_core.templating.paths.finders import APICallPathFinder

        self._app = app
        self._finder: APICallPathFinder = APICallPathFinder(app.spec)
        self.base_path = base_path
        self.source = source

    @property
    def version(self) -> str:
        """The OpenAPI version the document declares, e.g. "3.0.1"."""
        return str((self._app.spec / "openapi").read_value())

    @classmethod
    def load(cls, spec: str | Path, base_path: str | None = None) -> OpenAPIChecker:
        """Read a YAML or JSON OpenAPI document, or a bundled one by name ("realworld").

        `base_path` overrides the base path taken from the spec's first server ("" for none).
        Raises FileNotFoundError for a missing file and SpecLoadError for an invalid document.
        """
        from jsonschema_path.handlers import file_handler
        from openapi_core import OpenAPI
        from openapi_core.exceptions import SpecError
        from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
        from referencing.exceptions import Unresolvable
        from yaml import YAMLError

        text, base_uri = _read_spec(spec)
        try:
            # openapi-core's own loader: YAML or JSON, timestamps kept as strings
            data = file_handler(io.StringIO(text))
        except YAMLError as exc:
            raise SpecLoadError(f"{spec}: not YAML or JSON: {_one_line(str(exc))}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("paths", {}), dict):
            raise SpecLoadError(f"{spec}: not an OpenAPI document")
        if not str(data.get("openapi", "")).startswith("3."):
            declared = f"openapi: {data['openapi']}" if "openapi" in data else "no `openapi` field"
            raise SpecLoadError(f"{spec}: not an OpenAPI 3 document ({declared})")
        base = _normalise_base(base_path if base_path is not None else _server_base_path(data))
        try:
            app = OpenAPI.from_dict(_without_servers(data), base_uri=base_uri)
        except (SpecError, OpenAPIValidationError, Unresolvable) as exc:
            reason = f"cannot resolve $ref {exc.ref!r}" if isinstance(exc, Unresolvable) else _describe(exc)
            raise SpecLoadError(_one_line(f"{spec}: not a valid OpenAPI document: {reason}")) from exc
        return cls(app, base, str(spec))

    def check(
        self,
        method: str,
        url: str,
        status: int,
        headers: Mapping[str, str] | list[tuple[str, str]],
        body: bytes,
    ) -> list[SchemaIssue]:
        """The ways one response departs from the spec; [] when it conforms.

        `url` is the URL sent (absolute, or just the path and query).
        """
        from openapi_core.datatypes import RequestParameters
        from openapi_core.templating.paths.exceptions import PathError
        from werkzeug.datastructures import Headers

        path = urlsplit(url).path or "/"
        exchange = _Exchange(method.upper(), path, None, status)
        relative = _strip_base(path, self.base_path)
        if relative is None:
            return [exchange.issue(NO_OPERATION, f"{path} is outside the API base path {self.base_path}")]
        try:
            found = self._finder.find(method.lower(), _HOST + relative)
        except PathError:
            return [exchange.issue(NO_OPERATION, f"the spec has no operation {exchange.method} {relative}")]
        exchange = _Exchange(exchange.method, path, f"{exchange.method} {found.path_result.pattern}", status)

        response_headers = Headers(headers)
        content_type = _content_type(response_headers.get("Content-Type", ""))
        request = _Request(_HOST, relative, method.lower(), RequestParameters())
        response = _Response(status, content_type, response_headers, body)
        media_types = _documented_media_types(found.operation, status)
        errors = self._app.iter_apicall_response_errors(request, response)
        issues = [issue for error in errors for issue in _issues(exchange, error, media_types, content_type)]
        if body and media_types == []:
            issues += _unexpected_body(exchange, content_type, issues)
        return issues


# --- loading -------------------------------------------------------------------------------------


def _read_spec(spec: str | Path) -> tuple[str, str]:
    """The document's text and the URI its relative $refs resolve against."""
    if isinstance(spec, str) and spec in BUNDLED_SPECS:
        resource = files("cdverify.contract").joinpath("data", BUNDLED_SPECS[spec])
        return resource.read_text(encoding="utf-8"), ""
    path = Path(spec).resolve()
    return path.read_text(encoding="utf-8"), path.as_uri()


def _server_base_path(data: Mapping[str, Any]) -> str:
    """The path part of the first server URL, its variables set to their defaults."""
    servers = data.get("servers") or [{"url": "/"}]
    server = servers[0]
    defaults = {name: var.get("default", "") for name, var in (server.get("variables") or {}).items()}
    return urlsplit(str(server.get("url", "/")).format(**defaults)).path


def _normalise_base(base: str) -> str:
    """The base path with one leading slash and none trailing; "" for the root ("/api/" -> "/api")."""
    stripped = base.strip("/")
    return f"/{stripped}" if stripped else ""


def _without_servers(data: dict[str, Any]) -> dict[str, Any]:
    """The document with every `servers` list (top, path and operation level) replaced by the root.

    The base path is removed from a request's path before openapi-core sees it, so openapi-core must
    match paths against a server at "/", whatever host or base the spec names.
    """

    def drop(node: Any) -> Any:
        return {k: v for k, v in node.items() if k != "servers"} if isinstance(node, dict) else node

    paths = {
        template: {key: drop(op) for key, op in drop(item).items()} if isinstance(item, dict) else item
        for template, item in (data.get("paths") or {}).items()
    }
    return {**data, "servers": [{"url": "/"}], "paths": paths}


# --- checking ------------------------------------------------------------------------------------


def _strip_base(path: str, base: str) -> str | None:
    """The path relative to the API base path, or None when the path lies outside it."""
    if not base:
        return path
    if path == base:
        return "/"
    return path[len(base) :] if path.startswith(base + "/") else None


def _content_type(header: str) -> str:
    """The media type, lower case, with its charset only: openapi-core's own parser fails on some
    parameters (a parameter without "=", or a boundary containing "=")."""
    from werkzeug.http import parse_options_header

    mimetype, options = parse_options_header(header)
    charset = options.get("charset")
    return f"{mimetype.lower()}; charset={charset.lower()}" if mimetype and charset else mimetype.lower()


def _documented_media_types(operation: SchemaPath, status: int) -> list[str] | None:
    """The media types documented for this status ([] for a response without content), or None when
    the status is not documented at all."""
    from openapi_core.templating.responses.exceptions import ResponseFinderError
    from openapi_core.templating.responses.finders import ResponseFinder

    try:
        response = ResponseFinder(operation / "responses").find(str(status))
    except ResponseFinderError:
        return None
    return list((response / "content").str_keys()) if "content" in response else []


def _issues(
    exchange: _Exchange, error: Exception, media_types: list[str] | None, content_type: str
) -> Iterator[SchemaIssue]:
    """The issues one openapi-core error stands for."""
    from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
    from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
    from openapi_core.templating.paths.exceptions import PathError
    from openapi_core.templating.responses.exceptions import ResponseNotFound
    from openapi_core.validation.response.exceptions import (
        DataValidationError,
        HeaderValidationError,
        MissingData,
    )
    from openapi_core.validation.schemas.exceptions import InvalidSchemaValue

    cause = error.__cause__
    if isinstance(error, ResponseNotFound):
        documented = ", ".join(error.availableresponses) or "none"
        yield exchange.issue(
            UNDOCUMENTED_STATUS,
            f"status {error.http_status} is not documented for {exchange.operation}"
            f" (documented: {documented})",
        )
    elif isinstance(error, PathError):
        yield exchange.issue(NO_OPERATION, str(error))
    elif isinstance(error, MissingData):
        # openapi-core wants a body whenever the response has a `content` key, even `content: {}`
        if media_types:
            yield exchange.issue(
                MISSING_BODY, f"empty body; the spec documents {', '.join(media_types)} for {exchange.status}"
            )
    elif isinstance(cause, MediaTypeNotFound):
        yield _media_type_issue(exchange, cause, content_type)
    elif isinstance(cause, MediaTypeDeserializeError):
        preview = cause.value[:60].decode("utf-8", errors="replace")
        yield exchange.issue(UNPARSEABLE_BODY, f"body is not valid {cause.mimetype}: {preview!r}")
    elif isinstance(cause, InvalidSchemaValue):
        kind = HEADERS if isinstance(error, HeaderValidationError) else BODY
        where = f"header {error.name}: " if isinstance(error, HeaderValidationError) else ""
        yield from _schema_issues(exchange, kind, where, cause.schema_errors)
    elif isinstance(error, HeaderValidationError):
        yield exchange.issue(HEADERS, str(error))
    elif isinstance(error, DataValidationError) and cause is not None:
        yield exchange.issue(BODY, _describe(cause))
    else:
        yield exchange.issue(OTHER, _describe(error))


def _media_type_issue(exchange: _Exchange, error: MediaTypeNotFound, content_type: str) -> SchemaIssue:
    if not error.availableMimetypes:
        return _unexpected_body_issue(exchange, content_type)
    documented = ", ".join(error.availableMimetypes)
    if not content_type:
        return exchange.issue(CONTENT_TYPE, f"no Content-Type header; the spec documents {documented}")
    return exchange.issue(
        CONTENT_TYPE, f"Content-Type {content_type} is not documented (documented: {documented})"
    )


def _unexpected_body(exchange: _Exchange, content_type: str, issues: list[SchemaIssue]) -> list[SchemaIssue]:
    """A body where the spec documents none, unless openapi-core already said so (`content: {}`)."""
    if any(issue.kind == UNEXPECTED_BODY for issue in issues):
        return []
    return [_unexpected_body_issue(exchange, content_type)]


def _unexpected_body_issue(exchange: _Exchange, content_type: str) -> SchemaIssue:
    return exchange.issue(
        UNEXPECTED_BODY,
        f"body ({content_type.split(';')[0] or 'no Content-Type'}), but the spec documents no body for "
        f"{exchange.status}",
    )


def _schema_issues(exchange: _Exchange, kind: str, where: str, schema_errors: Any) -> Iterator[SchemaIssue]:
    """One issue per jsonschema error, in the library's order.

    OpenAPI 3.0's `nullable` check reports a null twice for the same `type` rule ("None for not
    nullable" and "None is not of type 'string'"); such errors are joined into one issue.
    """
    grouped: dict[tuple[Any, ...], tuple[str, str, list[str]]] = {}
    for error in schema_errors:
        pointer = _json_pointer(error.absolute_path)
        location = error.json_path[1:].removeprefix(".") or "body"  # "$.a[0].b" -> "a[0].b"
        rule = (pointer, *error.absolute_schema_path)
        key = rule if error.validator == "type" else (*rule, error.message)
        _, _, messages = grouped.setdefault(key, (pointer, location, []))
        if error.message not in messages:
            messages.append(error.message)
    for pointer, location, messages in grouped.values():
        yield exchange.issue(kind, f"{where}{location}: {'; '.join(messages)}", pointer)


def _json_pointer(parts: Any) -> str:
    """RFC 6901: ["articles", 0, "a/b"] -> "/articles/0/a~1b"."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _describe(error: BaseException) -> str:
    """A jsonschema error's message with where it is ("info: 'title' is a required property"), or str()."""
    message = str(getattr(error, "message", None) or str(error) or type(error).__name__)
    location = str(getattr(error, "json_path", "$"))[1:].removeprefix(".")
    return f"{location}: {message}" if location else message


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 1] + "…"
