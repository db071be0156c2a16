"""Postman collections (v2.0 and v2.1), environments and globals, read into plain frozen records.

A collection becomes a flat list of `Item`s in run order (folders depth-first, as newman runs them), each
carrying everything its execution needs: the request as written (variables unresolved), the pre-request
and test scripts that apply to it (collection's, then each enclosing folder's, then its own) and the auth
block it inherits. Differences between v2.0 and v2.1 (URL strings, auth parameter shapes) are settled here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BUNDLED = {
    "realworld": "realworld.postman_collection.json",
}
SUPPORTED_SCHEMAS = ("v2.0.0", "v2.1.0")
# The globals the paper's harness gives newman besides APIURL (the test user of the Conduit collections)
PAPER_GLOBALS = {"USERNAME": "user", "EMAIL": "user@mail.com", "PASSWORD": "password"}
# Postman's app nests folders a few levels; this bound keeps a hostile collection from exhausting the stack
MAX_FOLDER_DEPTH = 200
PACKAGE_DIR = Path(__file__).resolve().parent  # data files ship inside the package


class CollectionError(ValueError):
    """A collection, environment or globals file that cannot be used, with the reason."""


@dataclass(frozen=True)
class KeyValue:
    key: str
    value: str
    disabled: bool = False


@dataclass(frozen=True)
class Body:
    mode: str  # raw | urlencoded | formdata | file | graphql | none
    raw: str = ""
    language: str = ""  # options.raw.language: json, text, xml, ...
    fields: tuple[KeyValue, ...] = ()


@dataclass(frozen=True)
class Auth:
    type: str  # noauth | bearer | basic | apikey | ... ; "inherit" never reaches an Item
    params: tuple[tuple[str, str], ...] = ()

    def param(self, key: str, default: str = "") -> str:
        return next((value for name, value in self.params if name == key), default)


@dataclass(frozen=True)
class Request:
    method: str
    url: str  # as written, variables unresolved
    headers: tuple[KeyValue, ...] = ()
    body: Body | None = None
    description: str = ""


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    path: tuple[str, ...]  # enclosing folder names, outermost first
    request: Request
    prerequest: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()
    auth: Auth | None = None


@dataclass(frozen=True)
class Collection:
    name: str
    items: tuple[Item, ...]
    variables: dict[str, Any] = field(default_factory=dict)
    source: str = ""


def bundled_path(name: str) -> Path:
    return PACKAGE_DIR / "data" / BUNDLED[name]


def load_collection(source: str | Path) -> Collection:
    """Read a collection from a path or a bundled name ("realworld")."""
    path = bundled_path(str(source)) if str(source) in BUNDLED else Path(source)
    document = _read_json(path, "collection")
    info = document.get("info")
    if not isinstance(info, dict) or not isinstance(document.get("item"), list):
        raise CollectionError(f"{path}: not a Postman v2 collection (no `info` and `item`)")
    schema = str(info.get("schema", ""))
    if schema and not any(version in schema for version in SUPPORTED_SCHEMAS):
        raise CollectionError(f"{path}: unsupported collection schema {schema} (v2.0 and v2.1 are supported)")
    scripts = _scripts(document)
    try:
        items = tuple(
            _flatten(
                document["item"],
                (),
                scripts["prerequest"],
                scripts["test"],
                _auth(document.get("auth")) or None,
            )
        )
    except CollectionError as error:
        raise CollectionError(f"{path}: {error}") from None
    return Collection(
        name=str(info.get("name", path.stem)),
        items=items,
        variables=_variables(document.get("variable")),
        source=str(path),
    )


def load_variables(path: str | Path) -> dict[str, Any]:
    """An environment or globals export: {"values": [{"key", "value", "enabled"}]}."""
    document = _read_json(Path(path), "environment")
    values = document.get("values")
    if not isinstance(values, list):
        raise CollectionError(f"{path}: not a Postman environment or globals file (no `values` list)")
    return {
        str(entry["key"]): entry.get("value", "")
        for entry in values
        if isinstance(entry, dict) and "key" in entry and entry.get("enabled", True) is not False
    }


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise CollectionError(f"{path}: {what} file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CollectionError(f"{path}: cannot read the {what}: {error}") from None
    except json.JSONDecodeError as error:
        raise CollectionError(f"{path}: the {what} is not valid JSON: {error}") from None
    except RecursionError:
        raise CollectionError(f"{path}: the {what} is nested too deeply to read") from None
    if not isinstance(document, dict):
        raise CollectionError(f"{path}: the {what} is not a JSON object")
    return document


def _variables(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, list):
        return {}
    return {
        str(entry.get("key", entry.get("id"))): entry.get("value", "")
        for entry in raw
        if isinstance(entry, dict) and not entry.get("disabled") and (entry.get("key") or entry.get("id"))
    }


def _script_text(event: dict[str, Any]) -> str:
    script = event.get("script") or {}
    if not isinstance(script, dict):
        return ""
    lines = script.get("exec", "")
    return "\n".join(str(line) for line in lines) if isinstance(lines, list) else str(lines or "")


def _scripts(node: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {"prerequest": [], "test": []}
    for event in node.get("event") or []:
        if isinstance(event, dict) and event.get("listen") in found and not event.get("disabled"):
            text = _script_text(event)
            if text.strip():
                found[str(event["listen"])].append(text)
    return {listen: tuple(texts) for listen, texts in found.items()}


def _auth(raw: Any) -> Auth | None:
    """None when absent (inherited); Auth("noauth") when explicitly none. An explicit `inherit` sends no
    auth either: newman (postman-runtime) has no handler for that type, so we do as it does."""
    if not isinstance(raw, dict) or not raw.get("type"):
        return None
    kind = str(raw["type"])
    if kind == "inherit":
        return Auth("noauth")
    params = raw.get(kind)
    pairs: list[tuple[str, str]] = []
    if isinstance(params, list):  # v2.1: [{"key": "token", "value": "…"}]
        pairs = [(str(p.get("key")), _text(p.get("value"))) for p in params if isinstance(p, dict)]
    elif isinstance(params, dict):  # v2.0: {"token": "…"}
        pairs = [(str(key), _text(value)) for key, value in params.items()]
    return Auth(kind, tuple(pairs))


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _pairs(raw: Any) -> tuple[KeyValue, ...]:
    if isinstance(raw, str):  # v2.0 allows "Key: value\n" header strings
        lines = [line.partition(":") for line in raw.splitlines() if ":" in line]
        return tuple(KeyValue(key.strip(), value.strip()) for key, _, value in lines)
    if not isinstance(raw, list):
        return ()
    return tuple(
        KeyValue(str(p.get("key", "")), _text(p.get("value")), bool(p.get("disabled")))
        for p in raw
        if isinstance(p, dict) and p.get("type", "text") == "text"
    )


def _url(raw: Any) -> str:
    """The URL as Postman builds it: from its parts when given as an object, else its text."""
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, dict):
        return ""
    host = raw.get("host")
    path = raw.get("path")
    if host is None and path is None:
        return str(raw.get("raw", ""))
    text = ""
    if raw.get("protocol"):
        text += f"{raw['protocol']}://"
    text += ".".join(str(part) for part in host) if isinstance(host, list) else str(host or "")
    if raw.get("port"):
        text += f":{raw['port']}"
    if isinstance(path, list):
        segments = [_path_segment(part) for part in path]
        text += "/" + "/".join(segments) if segments else ""
    elif path:
        text += path if str(path).startswith("/") else f"/{path}"
    query = [q for q in raw.get("query") or [] if isinstance(q, dict) and not q.get("disabled")]
    if query:
        text += "?" + "&".join(
            str(q.get("key") or "") + ("" if q.get("value") is None else "=" + str(q.get("value")))
            for q in query
        )
    if raw.get("hash"):
        text += f"#{raw['hash']}"
    for variable in raw.get("variable") or []:  # path variables: /users/:id
        if isinstance(variable, dict) and variable.get("key") and variable.get("value") is not None:
            text = text.replace(f":{variable['key']}", str(variable["value"]))
    return text


def _path_segment(part: Any) -> str:
    if isinstance(part, dict):  # v2.0 path variable objects
        return str(part.get("value", ""))
    return str(part)


def _body(raw: Any) -> Body | None:
    if not isinstance(raw, dict) or raw.get("disabled") or not raw.get("mode"):
        return None
    mode = str(raw["mode"])
    language = str(((raw.get("options") or {}).get("raw") or {}).get("language", ""))
    if mode == "raw":
        return Body("raw", raw=_text(raw.get("raw")), language=language)
    if mode in {"urlencoded", "formdata"}:
        return Body(mode, fields=_pairs(raw.get(mode)))
    if mode == "graphql":
        graphql = raw.get("graphql") or {}
        payload = {"query": graphql.get("query", ""), "variables": graphql.get("variables") or {}}
        return Body("raw", raw=json.dumps(payload), language="json")
    return Body(mode)


def _request(raw: Any) -> Request:
    if isinstance(raw, str):
        return Request("GET", raw)
    if not isinstance(raw, dict):
        return Request("GET", "")
    description = raw.get("description", "")
    return Request(
        method=str(raw.get("method") or "GET").upper(),
        url=_url(raw.get("url")),
        headers=_pairs(raw.get("header")),
        body=_body(raw.get("body")),
        description=description if isinstance(description, str) else "",
    )


def _flatten(
    nodes: list[Any],
    path: tuple[str, ...],
    prerequest: tuple[str, ...],
    tests: tuple[str, ...],
    auth: Auth | None,
) -> list[Item]:
    items: list[Item] = []
    if len(path) > MAX_FOLDER_DEPTH:
        raise CollectionError(
            f"folders nested more than {MAX_FOLDER_DEPTH} deep: {' / '.join(path[:3])} / ..."
        )
    for node in nodes:
        if not isinstance(node, dict):
            continue
        scripts = _scripts(node)
        own_auth = _auth(node.get("auth")) or auth
        name = str(node.get("name", ""))
        if isinstance(node.get("item"), list):  # a folder
            items += _flatten(
                node["item"],
                (*path, name),
                prerequest + scripts["prerequest"],
                tests + scripts["test"],
                own_auth,
            )
            continue
        request = node.get("request", {})
        request_auth = _auth(request.get("auth")) if isinstance(request, dict) else None
        items.append(
            Item(
                id=str(node.get("id") or node.get("_postman_id") or _new_id()),
                name=name,
                path=path,
                request=_request(request),
                prerequest=prerequest + scripts["prerequest"],
                tests=tests + scripts["test"],
                auth=request_auth or own_auth,
            )
        )
    return items


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())
