"""Response checks against the RealWorld OpenAPI documents (3.0.1 bundled, 3.1.0 upstream HEAD)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cdverify.contract.openapi import OpenAPIChecker, SchemaIssue, SpecLoadError

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_31 = REPO_ROOT / "tests" / "data" / "realworld" / "openapi.747190e.yml"
BUNDLED_30 = REPO_ROOT / "cdverify" / "contract" / "data" / "realworld.openapi.yml"
URL = "http://127.0.0.1:8080/api"
JSON = {"Content-Type": "application/json; charset=utf-8"}

PROFILE = {
    "username": "jake",
    "bio": "I work at statefarm",
    "image": "https://i.stack.imgur.com/xHWG8.jpg",
    "following": False,
}
ARTICLE = {
    "slug": "how-to-train-your-dragon",
    "title": "How to train your dragon",
    "description": "Ever wonder how?",
    "body": "You have to believe",
    "tagList": ["dragons", "training"],
    "createdAt": "2016-02-18T03:22:56.637Z",
    "updatedAt": "2016-02-18T03:48:35.824Z",
    "favorited": False,
    "favoritesCount": 0,
    "author": PROFILE,
}
LIST_ITEM = {key: value for key, value in ARTICLE.items() if key != "body"}
USER = {
    "email": "jake@jake.jake",
    "token": "jwt.token.here",
    "username": "jake",
    "bio": "I work at statefarm",
    "image": "",
}
COMMENT = {
    "id": 1,
    "createdAt": "2016-02-18T03:22:56.637Z",
    "updatedAt": "2016-02-18T03:22:56.637Z",
    "body": "It takes a Jacobian",
    "author": PROFILE,
}


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


@pytest.fixture(scope="module")
def realworld() -> OpenAPIChecker:
    return OpenAPIChecker.load("realworld")


@pytest.fixture(scope="module")
def realworld_31() -> OpenAPIChecker:
    """Upstream HEAD's OpenAPI 3.1.0 document (tests/data/realworld, copied verbatim)."""
    return OpenAPIChecker.load(SPEC_31)


def kinds(issues: list[SchemaIssue]) -> list[str]:
    return [issue.kind for issue in issues]


# --- conforming responses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "status", "payload"),
    [
        ("POST", "/users", 201, {"user": USER}),
        ("POST", "/users/login", 200, {"user": USER}),
        ("GET", "/user", 200, {"user": USER}),
        ("GET", "/profiles/jake", 200, {"profile": PROFILE}),
        ("POST", "/profiles/jake/follow", 200, {"profile": {**PROFILE, "following": True}}),
        (
            "GET",
            "/articles?tag=dragons&limit=2",
            200,
            {"articles": [LIST_ITEM, {**LIST_ITEM, "body": "extra is fine"}], "articlesCount": 2},
        ),
        ("GET", "/articles/feed", 200, {"articles": [], "articlesCount": 0}),
        ("GET", "/articles/how-to-train-your-dragon", 200, {"article": ARTICLE}),
        ("PUT", "/articles/how-to-train-your-dragon", 200, {"article": ARTICLE}),
        (
            "POST",
            "/articles/how-to-train-your-dragon/favorite",
            200,
            {"article": {**ARTICLE, "favorited": True, "favoritesCount": 1}},
        ),
        ("GET", "/articles/how-to-train-your-dragon/comments", 200, {"comments": [COMMENT]}),
        ("POST", "/articles/how-to-train-your-dragon/comments", 200, {"comment": COMMENT}),
        ("GET", "/tags", 200, {"tags": ["dragons", "training"]}),
        ("POST", "/users", 422, {"errors": {"body": ["email has already been taken"]}}),
    ],
)
def test_conforming_responses_give_no_issue(
    realworld: OpenAPIChecker, method: str, url: str, status: int, payload: Any
) -> None:
    assert realworld.check(method, URL + url, status, JSON, body(payload)) == []


def test_responses_documented_without_content_accept_an_empty_body(realworld: OpenAPIChecker) -> None:
    # The RealWorld 3.0.1 spec documents DELETE 200 and every 401 as `content: {}`.
    assert realworld.check("DELETE", URL + "/articles/how-to-train-your-dragon", 200, {}, b"") == []
    assert (
        realworld.check("DELETE", URL + "/articles/how-to-train-your-dragon/comments/1", 200, [], b"") == []
    )
    assert realworld.check("GET", URL + "/user", 401, [("Content-Length", "0")], b"") == []


def test_headers_may_be_pairs_and_any_case(realworld: OpenAPIChecker) -> None:
    headers = [("content-type", "Application/JSON;charset=UTF-8"), ("X-Powered-By", "Express")]
    assert realworld.check("GET", URL + "/tags", 200, headers, body({"tags": []})) == []


# --- schema errors -----------------------------------------------------------------------------


def test_wrong_type_names_the_field_and_its_pointer(realworld: OpenAPIChecker) -> None:
    payload = {"articles": [{**LIST_ITEM, "favoritesCount": "1"}], "articlesCount": 1}
    issues = realworld.check("GET", URL + "/articles?limit=2", 200, JSON, body(payload))
    assert issues == [
        SchemaIssue(
            method="GET",
            path="/api/articles",
            operation="GET /articles",
            status=200,
            kind="body",
            message="articles[0].favoritesCount: '1' is not of type 'integer'",
            pointer="/articles/0/favoritesCount",
        )
    ]


def test_missing_required_field(realworld: OpenAPIChecker) -> None:
    article = {key: value for key, value in ARTICLE.items() if key != "body"}
    issues = realworld.check(
        "GET", URL + "/articles/how-to-train-your-dragon", 200, JSON, body({"article": article})
    )
    assert [(i.operation, i.kind, i.pointer, i.message) for i in issues] == [
        ("GET /articles/{slug}", "body", "/article", "article: 'body' is a required property")
    ]


def test_every_schema_error_of_a_body_is_reported(realworld: OpenAPIChecker) -> None:
    payload = {
        "articles": [
            {**LIST_ITEM, "tagList": "dragons", "createdAt": "yesterday"},
            {key: value for key, value in LIST_ITEM.items() if key not in ("slug", "author")},
        ],
        "articlesCount": "2",
    }
    issues = realworld.check("GET", URL + "/articles", 200, JSON, body(payload))
    assert {(i.pointer, i.message) for i in issues} == {
        ("/articles/0/tagList", "articles[0].tagList: 'dragons' is not of type 'array'"),
        ("/articles/0/createdAt", "articles[0].createdAt: 'yesterday' is not a 'date-time'"),
        ("/articles/1", "articles[1]: 'author' is a required property"),
        ("/articles/1", "articles[1]: 'slug' is a required property"),
        ("/articlesCount", "articlesCount: '2' is not of type 'integer'"),
    }
    assert set(kinds(issues)) == {"body"}
    assert len(issues) == 5


def test_null_where_30_is_not_nullable_is_one_issue_per_field(realworld: OpenAPIChecker) -> None:
    payload = {"user": {**USER, "bio": None, "image": None}}
    issues = realworld.check("GET", URL + "/user", 200, JSON, body(payload))
    assert [(i.pointer, i.message) for i in issues] == [
        ("/user/bio", "user.bio: None for not nullable; None is not of type 'string'"),
        ("/user/image", "user.image: None for not nullable; None is not of type 'string'"),
    ]


def test_a_wrong_root_type_points_at_the_whole_body(realworld: OpenAPIChecker) -> None:
    issues = realworld.check("GET", URL + "/tags", 200, JSON, body(["dragons"]))
    assert [(i.kind, i.pointer, i.message) for i in issues] == [
        ("body", "", "body: ['dragons'] is not of type 'object'")
    ]


# --- status, media type and body ---------------------------------------------------------------


def test_undocumented_status(realworld: OpenAPIChecker) -> None:
    issues = realworld.check("GET", URL + "/user", 500, JSON, body({"error": "boom"}))
    assert issues == [
        SchemaIssue(
            method="GET",
            path="/api/user",
            operation="GET /user",
            status=500,
            kind="undocumented-status",
            message="status 500 is not documented for GET /user (documented: 200, 401, 422)",
        )
    ]


def test_non_json_body(realworld: OpenAPIChecker) -> None:
    issues = realworld.check("GET", URL + "/tags", 200, JSON, b"<html>oops</html>")
    assert [(i.kind, i.message) for i in issues] == [
        ("unparseable-body", "body is not valid application/json: '<html>oops</html>'")
    ]


def test_undocumented_content_type(realworld: OpenAPIChecker) -> None:
    issues = realworld.check("GET", URL + "/tags", 200, {"Content-Type": "text/html"}, b"<html></html>")
    assert [(i.kind, i.message) for i in issues] == [
        ("content-type", "Content-Type text/html is not documented (documented: application/json)")
    ]
    missing = realworld.check("GET", URL + "/tags", 200, {}, body({"tags": []}))
    assert [(i.kind, i.message) for i in missing] == [
        ("content-type", "no Content-Type header; the spec documents application/json")
    ]


def test_empty_body_where_json_is_documented(realworld: OpenAPIChecker) -> None:
    issues = realworld.check("GET", URL + "/articles/feed", 200, JSON, b"")
    assert [(i.operation, i.kind, i.message) for i in issues] == [
        ("GET /articles/feed", "missing-body", "empty body; the spec documents application/json for 200")
    ]


def test_body_where_the_spec_documents_none(realworld: OpenAPIChecker) -> None:
    # RealWorld's 401 is `content: {}`; backends that answer {"errors": ...} break the letter of it.
    issues = realworld.check("GET", URL + "/user", 401, JSON, body({"errors": {"body": ["unauthorized"]}}))
    assert [(i.kind, i.message) for i in issues] == [
        ("unexpected-body", "body (application/json), but the spec documents no body for 401")
    ]


def test_malformed_content_type_parameters_do_not_crash(realworld: OpenAPIChecker) -> None:
    # openapi-core's own parser raises ValueError on a parameter without "="
    headers = {"Content-Type": "application/json; charset; boundary=a=b"}
    assert realworld.check("GET", URL + "/tags", 200, headers, body({"tags": []})) == []


# --- matching the request to an operation ------------------------------------------------------


def test_unknown_path(realworld: OpenAPIChecker) -> None:
    issues = realworld.check("GET", URL + "/articles/x/likes", 200, JSON, body({}))
    assert issues == [
        SchemaIssue(
            method="GET",
            path="/api/articles/x/likes",
            operation=None,
            status=200,
            kind="no-operation",
            message="the spec has no operation GET /articles/x/likes",
        )
    ]


def test_known_path_with_undocumented_method(realworld: OpenAPIChecker) -> None:
    issues = realworld.check("delete", URL + "/tags", 200, JSON, b"")
    assert [(i.method, i.operation, i.kind, i.message) for i in issues] == [
        ("DELETE", None, "no-operation", "the spec has no operation DELETE /tags")
    ]


def test_path_outside_the_base_path(realworld: OpenAPIChecker) -> None:
    assert realworld.base_path == "/api"
    issues = realworld.check("GET", "http://127.0.0.1:8080/tags", 200, JSON, body({"tags": []}))
    assert [(i.path, i.kind, i.message) for i in issues] == [
        ("/tags", "no-operation", "/tags is outside the API base path /api")
    ]


def test_base_path_override() -> None:
    checker = OpenAPIChecker.load("realworld", base_path="/conduit/v2/")
    assert checker.base_path == "/conduit/v2"
    assert checker.check("GET", "http://localhost:3000/conduit/v2/tags", 200, JSON, body({"tags": []})) == []
    assert kinds(checker.check("GET", "http://localhost:3000/api/tags", 200, JSON, body({"tags": []}))) == [
        "no-operation"
    ]


def test_spec_without_servers_matches_from_the_root(tmp_path: Path) -> None:
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/items/{id}": {
                "servers": [{"url": "https://elsewhere.example/v9"}],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "get": {
                    "responses": {
                        "200": {
                            "description": "an item",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["id"],
                                        "properties": {"id": {"type": "integer"}},
                                    }
                                }
                            },
                        }
                    }
                },
            }
        },
    }
    path = tmp_path / "items.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    checker = OpenAPIChecker.load(path)
    assert checker.base_path == ""
    assert checker.check("GET", "http://127.0.0.1:9/items/7", 200, JSON, body({"id": 7})) == []
    issues = checker.check("GET", "/items/7", 200, JSON, body({"id": "7"}))
    assert [(i.operation, i.pointer, i.message) for i in issues] == [
        ("GET /items/{id}", "/id", "id: '7' is not of type 'integer'")
    ]


# --- OpenAPI 3.1 -------------------------------------------------------------------------------


def test_31_delete_204_without_body(realworld_31: OpenAPIChecker) -> None:
    assert realworld_31.version == "3.1.0"
    assert realworld_31.base_path == "/api"
    assert realworld_31.check("DELETE", URL + "/articles/how-to-train-your-dragon", 204, {}, b"") == []
    assert (
        realworld_31.check("DELETE", URL + "/articles/how-to-train-your-dragon/comments/1", 204, {}, b"")
        == []
    )


def test_31_delete_200_is_undocumented(realworld_31: OpenAPIChecker) -> None:
    issues = realworld_31.check("DELETE", URL + "/articles/how-to-train-your-dragon", 200, {}, b"")
    assert [(i.operation, i.kind, i.message) for i in issues] == [
        (
            "DELETE /articles/{slug}",
            "undocumented-status",
            "status 200 is not documented for DELETE /articles/{slug} (documented: 204, 401, 422)",
        )
    ]


def test_31_delete_204_with_a_body(realworld_31: OpenAPIChecker) -> None:
    issues = realworld_31.check("DELETE", URL + "/articles/how-to-train-your-dragon", 204, JSON, body({}))
    assert [(i.kind, i.message) for i in issues] == [
        ("unexpected-body", "body (application/json), but the spec documents no body for 204")
    ]


def test_31_schema_errors(realworld_31: OpenAPIChecker) -> None:
    payload = {"article": {**ARTICLE, "favoritesCount": 1.5, "author": {**PROFILE, "bio": None}}}
    issues = realworld_31.check("GET", URL + "/articles/how-to-train-your-dragon", 200, JSON, body(payload))
    assert {(i.kind, i.pointer, i.message) for i in issues} == {
        ("body", "/article/favoritesCount", "article.favoritesCount: 1.5 is not of type 'integer'"),
        ("body", "/article/author/bio", "article.author.bio: None is not of type 'string'"),
    }


# --- loading -----------------------------------------------------------------------------------


def test_bundled_spec_is_the_realworld_30_document(realworld: OpenAPIChecker) -> None:
    assert realworld.version == "3.0.1"
    assert realworld.source == "realworld"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "not an OpenAPI 3 document (no `openapi` field)",
        ),
        (
            "openapi: 3.0.3\ninfo: {version: '1'}\npaths: {}\n",
            "not a valid OpenAPI document: info: 'title' is a required property",
        ),
        (
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n",
            "not a valid OpenAPI document: cannot resolve $ref '/components/responses/Nope'",
        ),
        ("paths: [unclosed\n", "not YAML or JSON"),
        ("- a list\n", "not an OpenAPI document"),
    ],
)
def test_invalid_documents_raise_spec_load_error(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "spec.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecLoadError) as raised:
        OpenAPIChecker.load(path)
    assert str(raised.value).startswith(f"{path}: {reason}")


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        OpenAPIChecker.load(tmp_path / "absent.yml")


def test_importing_the_module_does_not_import_openapi_core() -> None:
    code = "import sys, cdverify.contract.openapi; print('openapi_core' in sys.modules, 'werkzeug' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]
