#!/usr/bin/env python3
"""A deliberately faulty RealWorld (Conduit) backend plus a small scripting sandbox, for contract tests.

Run:  python tests/contract/faulty_server.py --port P     (binds 127.0.0.1, serves until SIGTERM/SIGINT)
Standard library only. State is in memory; ``POST /__reset`` empties it (and ``/api/health-check`` says ok).

/api — Conduit, with the happy path working (users, articles, comments, follows, favorites are stored)
but with these faults, chosen so that the upstream collection gets a mix of passing and failing
assertions (and script errors):

| request(s) in Conduit.postman_collection.json | endpoint                        | fault                                                  |
|-----------------------------------------------|---------------------------------|--------------------------------------------------------|
| Register, Register Celeb                      | POST   /users                   | 201 and the user has no `bio`                          |
| Login, Login and Remember Token               | POST   /users/login             | JSON body starts with a UTF-8 BOM (no charset)         |
| Current User                                  | GET    /user                    | JSON body served as `text/plain`                       |
| Update User                                   | PUT    /user                    | 500 with a JSON error body (the update is not applied) |
| Articles by Author (both)                     | GET    /articles?author=         | `articlesCount` is a string; articles lack `updatedAt` |
| Articles Favorited by Username (both)         | GET    /articles?favorited=      | `tagList` is a comma-separated string, not an array    |
| Create Article                                | POST   /articles                | 201 and `favoritesCount` is the string "0"             |
| Feed                                          | GET    /articles/feed            | HANGS: sleeps 60 s before answering                    |
| Single Article by slug                        | GET    /articles/:slug          | 200 with an HTML page (text/html), not JSON            |
| Update Article                                | PUT    /articles/:slug          | 200 with an empty body (the update is applied)         |
| Favorite Article                              | POST   /articles/:slug/favorite | 201 and `favoritesCount` is a string ("1")             |
| Unfavorite Article                            | DELETE /articles/:slug/favorite | ignored: the article stays favorited                   |
| Create Comment for Article                    | POST   /articles/:slug/comments | 500 with an HTML body (the comment IS stored)          |
| All Comments for Article                      | GET    /articles/:slug/comments | comments lack `updatedAt`                              |
| All Comments for Article without login        | GET    /articles/:slug/comments | 401 when there is no token (the spec allows anonymous) |
| Profile                                       | GET    /profiles/:username      | 404 for every profile                                  |
| Follow Profile                                | POST   /profiles/:username/follow | 201 instead of 200                                   |
| All Tags                                      | GET    /tags                     | `tags` is an object {tag: count}, not an array         |

Correct: GET /articles (no filter), GET /articles?tag=, DELETE /articles/:slug, DELETE comments,
DELETE /profiles/:username/follow, GET /api/health-check.

/sandbox — helpers for tests/data/contract/sandbox-features.postman_collection.json:
  echo[/anything]  any method; returns {method, path, query, rawQuery, headers (lower-cased), cookies, body,
                   json (the body parsed, or null), form (urlencoded or multipart fields, or null)}; in query and
                   form a repeated key gives the list of its values
  status/<code>    that status with {"status": code} (no body for 204/304)
  headers          JSON {"a": {"b": 1}}, headers X-Foo: bar, X-Multi twice, two Set-Cookie; ?Name=value adds headers
  json             a fixed JSON document for chai chains
  text, html       text/plain "hello world", text/html page
  empty            200 with an empty body;  bom: JSON with a UTF-8 BOM
  slow?ms=N        sleeps N ms (max 60000) then answers JSON
  redirect[?to=]   302 to /sandbox/echo?redirected=1 (or to ?to=)
  gzip             gzip-encoded JSON with Content-Encoding: gzip
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import hashlib
import json
import re
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

JSON_TYPE = "application/json; charset=utf-8"
HANG_SECONDS = 60
HTML_PAGE = "<!DOCTYPE html>\n<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n"
# fmt: off
SANDBOX_DOC = {  # GET /sandbox/json
    "name": "cdverify", "count": 3, "price": 9.99, "flag": True, "nothing": None, "empty": "",
    "tags": ["x", "y", "z"], "a": {"b": 1, "c": [1, 2, 3]}, "nested": {"deep": {"value": "found"}},
    "items": [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}], "emptyList": [], "emptyObject": {},
}
# fmt: on


class Store:
    """The Conduit data, guarded by one lock (requests run on threads)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.users: dict[str, dict] = {}  # username -> user (with password)
        self.articles: dict[str, dict] = {}  # slug -> article (insertion order = creation order)
        self.comments: dict[str, list[dict]] = {}  # slug -> comments
        self.follows: set[tuple[str, str]] = set()  # (follower, followed)
        self.favorites: set[tuple[str, str]] = set()  # (username, slug)
        self.next_comment_id = 1


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_token(username: str) -> str:
    """A JWT-looking string: header.payload.signature (not verified, only compared)."""
    b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
    header, payload = b64(b'{"alg":"none"}'), b64(json.dumps({"username": username}).encode())
    return f"{header}.{payload}.{hashlib.sha1(payload.encode()).hexdigest()[:16]}"


def multi(pairs: list[tuple[str, str]]) -> dict[str, object]:
    """Key/value pairs as a dict; a repeated key becomes the list of its values."""
    out: dict[str, object] = {}
    for key, value in pairs:
        old = out.get(key)
        out[key] = value if old is None else (old if isinstance(old, list) else [old]) + [value]
    return out


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "article"


class Handler(BaseHTTPRequestHandler):
    server_version = "FaultyConduit/1.0"
    protocol_version = "HTTP/1.1"
    store: Store  # set on the class by main()

    # --- plumbing ---------------------------------------------------------------------------------
    def log_message(self, format: str, *args: object) -> None:  # quiet: nothing required on stdout
        pass

    def handle_one(self) -> None:
        parts = urlsplit(self.path)
        self.route_path = unquote(parts.path)
        self.raw_query = parts.query
        self.query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.raw_body = self.read_body()
        try:
            if self.route_path == "/__reset":
                with self.store.lock:
                    self.store.reset()
                return self.send_json(200, {"reset": True})
            if self.route_path.startswith("/api/") or self.route_path == "/api":
                return self.conduit(self.route_path[4:] or "/")
            if self.route_path.startswith("/sandbox/"):
                return self.sandbox(self.route_path[len("/sandbox/") :])
            self.send_json(404, {"errors": {"path": ["not found"]}})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. newman's --timeout-request)

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_one

    def send_body(self, status: int, body: bytes, content_type: str | None, headers=()) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        no_body = status in (204, 304) or 100 <= status < 200
        if not no_body:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not no_body and self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status: int, obj: object, content_type: str = JSON_TYPE, headers=()) -> None:
        self.send_body(status, json.dumps(obj).encode(), content_type, headers)

    def send_html(self, status: int, title: str) -> None:
        self.send_body(status, HTML_PAGE.format(title=title).encode(), "text/html; charset=utf-8")

    def body_json(self) -> dict:
        try:
            value = json.loads(self.raw_body or b"{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def error(self, status: int, field: str, message: str) -> None:
        self.send_json(status, {"errors": {field: [message]}})

    # --- Conduit ----------------------------------------------------------------------------------
    def current_user(self) -> dict | None:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme not in ("Token", "Bearer") or not token:
            return None
        return next((u for u in self.store.users.values() if u["token"] == token.strip()), None)

    def conduit(self, path: str) -> None:
        method, s = self.command, self.store
        if path == "/health-check":
            return self.send_json(200, {"status": "ok"})
        if path == "/articles/feed" and method == "GET":
            time.sleep(HANG_SECONDS)  # FAULT: hangs; clients with a request timeout give up first
        with s.lock:
            me = self.current_user()
            if path == "/users" and method == "POST":
                return self.register(self.body_json().get("user") or {})
            if path == "/users/login" and method == "POST":
                return self.login(self.body_json().get("user") or {})
            if path == "/user":
                if me is None:
                    return self.error(401, "token", "is missing or invalid")
                if method == "GET":  # FAULT: right JSON, wrong Content-Type
                    return self.send_json(200, {"user": self.user_json(me)}, content_type="text/plain")
                if method == "PUT":  # FAULT: 500 with a JSON error, nothing updated
                    return self.error(500, "database", "is locked")
            if path == "/tags" and method == "GET":  # FAULT: an object, not an array
                counts: dict[str, int] = {}
                for art in s.articles.values():
                    for tag in art["tagList"]:
                        counts[tag] = counts.get(tag, 0) + 1
                return self.send_json(200, {"tags": counts})
            if path == "/articles/feed" and method == "GET":  # reached only after the hang
                return self.list_articles(me, feed=True) if me else self.error(401, "token", "is missing")
            if path == "/articles":
                if method == "GET":
                    return self.list_articles(me)
                if method == "POST":
                    return self.create_article(me, self.body_json().get("article") or {})
            m = re.fullmatch(r"/articles/([^/]+)(/favorite|/comments|/comments/([^/]+))?", path)
            if m:
                return self.article_routes(me, m.group(1), m.group(2) or "", m.group(3))
            m = re.fullmatch(r"/profiles/([^/]+)(/follow)?", path)
            if m:
                return self.profile_routes(me, m.group(1), bool(m.group(2)))
        self.error(404, "path", "not found")

    def user_json(self, user: dict, with_bio: bool = True) -> dict:
        out = {"email": user["email"], "username": user["username"], "token": user["token"]}
        if with_bio:
            out["bio"] = user["bio"]
        out["image"] = user["image"]
        return out

    def register(self, data: dict) -> None:
        username, email, password = data.get("username"), data.get("email"), data.get("password")
        if not (username and email and password):
            return self.error(422, "body", "username, email and password are required")
        if username in self.store.users or any(u["email"] == email for u in self.store.users.values()):
            return self.error(422, "username", "has already been taken")
        user = dict(username=username, email=email, password=password, bio=None, image=None)
        user["token"] = make_token(username)
        self.store.users[username] = user
        self.send_json(201, {"user": self.user_json(user, with_bio=False)})  # FAULT: no bio

    def login(self, data: dict) -> None:
        user = next((u for u in self.store.users.values() if u["email"] == data.get("email")), None)
        if user is None or user["password"] != data.get("password"):
            return self.error(401, "credentials", "invalid")
        body = "\ufeff" + json.dumps({"user": self.user_json(user)})  # FAULT: UTF-8 BOM
        self.send_body(200, body.encode("utf-8"), "application/json")

    def profile_json(self, me: dict | None, username: str) -> dict:
        user = self.store.users[username]
        following = bool(me) and (me["username"], username) in self.store.follows
        return {"username": username, "bio": user["bio"], "image": user["image"], "following": following}

    def article_json(self, me: dict | None, art: dict) -> dict:
        out = {
            k: art[k] for k in ("slug", "title", "description", "body", "tagList", "createdAt", "updatedAt")
        }
        out["favorited"] = bool(me) and (me["username"], art["slug"]) in self.store.favorites
        out["favoritesCount"] = sum(1 for _, slug in self.store.favorites if slug == art["slug"])
        out["author"] = self.profile_json(me, art["author"])
        return out

    def list_articles(self, me: dict | None, feed: bool = False) -> None:
        q, s = self.query, self.store
        arts = list(reversed(s.articles.values()))
        if feed and me is not None:
            arts = [a for a in arts if (me["username"], a["author"]) in s.follows]
        if "tag" in q:
            arts = [a for a in arts if q["tag"] in a["tagList"]]
        if "author" in q:
            arts = [a for a in arts if a["author"] == q["author"]]
        if "favorited" in q:
            arts = [a for a in arts if (q["favorited"], a["slug"]) in s.favorites]
        items = [self.article_json(me, a) for a in arts]
        count: object = len(items)
        if "author" in q:  # FAULT: articlesCount is a string and articles have no updatedAt
            count = str(count)
            for item in items:
                item.pop("updatedAt")
        if "favorited" in q:  # FAULT: tagList is a string
            for item in items:
                item["tagList"] = ",".join(item["tagList"])
        self.send_json(200, {"articles": items, "articlesCount": count})

    def create_article(self, me: dict | None, data: dict) -> None:
        if me is None:
            return self.error(401, "token", "is missing or invalid")
        if not data.get("title"):
            return self.error(422, "title", "can't be blank")
        slug, n = slugify(data["title"]), 1
        while slug in self.store.articles:
            n += 1
            slug = f"{slugify(data['title'])}-{n}"
        stamp = now()
        art = {
            "slug": slug,
            "title": data["title"],
            "description": data.get("description", ""),
            "body": data.get("body", ""),
            "tagList": list(data.get("tagList") or []),
            "createdAt": stamp,
            "updatedAt": stamp,
            "author": me["username"],
        }
        self.store.articles[slug] = art
        out = self.article_json(me, art)
        out["favoritesCount"] = str(out["favoritesCount"])  # FAULT: a string
        self.send_json(201, {"article": out})

    def article_routes(self, me: dict | None, slug: str, sub: str, comment_id: str | None) -> None:
        method, s = self.command, self.store
        art = s.articles.get(slug)
        if art is None:
            return self.error(404, "article", "not found")
        if sub == "" and method == "GET":  # FAULT: an HTML page
            return self.send_html(200, art["title"])
        if sub == "/comments" and method == "GET":
            if me is None:  # FAULT: anonymous readers are refused
                return self.error(401, "token", "is missing or invalid")
            comments = [
                {k: c[k] for k in ("id", "createdAt", "body")}
                | {"author": self.profile_json(me, c["author"])}
                for c in s.comments.get(slug, [])
            ]  # FAULT: no updatedAt
            return self.send_json(200, {"comments": comments})
        if me is None:
            return self.error(401, "token", "is missing or invalid")
        if sub == "" and method == "PUT":
            changes = self.body_json().get("article") or {}
            for key in ("title", "description", "body"):
                if key in changes:
                    art[key] = changes[key]
            art["updatedAt"] = now()
            return self.send_body(200, b"", JSON_TYPE)  # FAULT: empty body
        if sub == "" and method == "DELETE":
            s.articles.pop(slug)
            s.comments.pop(slug, None)
            s.favorites = {f for f in s.favorites if f[1] != slug}
            return self.send_json(200, {})
        if sub == "/favorite" and method == "POST":
            s.favorites.add((me["username"], slug))
            out = self.article_json(me, art)
            out["favoritesCount"] = str(out["favoritesCount"])  # FAULT: a string (and 201)
            return self.send_json(201, {"article": out})
        if sub == "/favorite" and method == "DELETE":  # FAULT: the favorite is not removed
            return self.send_json(200, {"article": self.article_json(me, art)})
        if sub == "/comments" and method == "POST":
            data = self.body_json().get("comment") or {}
            stamp = now()
            comment = dict(id=s.next_comment_id, body=data.get("body", ""), createdAt=stamp, updatedAt=stamp)
            comment["author"] = me["username"]
            s.next_comment_id += 1
            s.comments.setdefault(slug, []).append(comment)
            return self.send_html(500, "Internal Server Error")  # FAULT: 500 + HTML, though it was stored
        if comment_id is not None and method == "DELETE":
            before = s.comments.get(slug, [])
            s.comments[slug] = [c for c in before if str(c["id"]) != comment_id]
            if len(s.comments[slug]) == len(before):
                return self.error(404, "comment", "not found")
            return self.send_json(200, {})
        self.error(405, "method", "not allowed")

    def profile_routes(self, me: dict | None, username: str, follow: bool) -> None:
        if username not in self.store.users:
            return self.error(404, "profile", "not found")
        if not follow:  # FAULT: every profile is "not found"
            return self.error(404, "profile", "not found")
        if me is None:
            return self.error(401, "token", "is missing or invalid")
        if self.command == "POST":
            self.store.follows.add((me["username"], username))
            return self.send_json(201, {"profile": self.profile_json(me, username)})  # FAULT: 201
        if self.command == "DELETE":
            self.store.follows.discard((me["username"], username))
            return self.send_json(200, {"profile": self.profile_json(me, username)})
        self.error(405, "method", "not allowed")

    # --- sandbox ----------------------------------------------------------------------------------
    def sandbox(self, name: str) -> None:
        if name == "echo" or name.startswith("echo/"):
            return self.echo()
        m = re.fullmatch(r"status/([2-5]\d\d)", name)
        if m:
            code = int(m.group(1))
            return self.send_json(code, {"status": code})
        if name == "headers":
            extra = [
                ("X-Foo", "bar"),
                ("X-Multi", "one"),
                ("X-Multi", "two"),
                ("Set-Cookie", "session=abc123; Path=/"),
                ("Set-Cookie", "theme=dark; Path=/; HttpOnly"),
            ]
            extra += [(k, v) for k, v in parse_qsl(self.raw_query, keep_blank_values=True)]
            return self.send_json(200, {"a": {"b": 1}, "ok": True}, headers=extra)
        if name == "json":
            return self.send_json(200, SANDBOX_DOC)
        if name == "text":
            return self.send_body(200, b"hello world", "text/plain; charset=utf-8")
        if name == "html":
            return self.send_html(200, "Sandbox page")
        if name == "empty":
            return self.send_body(200, b"", JSON_TYPE)
        if name == "bom":
            return self.send_body(200, '\ufeff{"bom": true}'.encode("utf-8"), "application/json")
        if name == "slow":
            ms = min(int(self.query["ms"]) if self.query.get("ms", "").isdigit() else 1000, 60000)
            time.sleep(ms / 1000)
            return self.send_json(200, {"slept": ms})
        if name == "redirect":
            target = self.query.get("to", "/sandbox/echo?redirected=1")
            return self.send_body(302, b"", None, headers=[("Location", target)])
        if name == "gzip":
            data = gzip.compress(json.dumps({"gzipped": True, "items": [1, 2, 3]}).encode())
            return self.send_body(200, data, JSON_TYPE, headers=[("Content-Encoding", "gzip")])
        self.send_json(404, {"errors": {"sandbox": [f"no endpoint {name!r}"]}})

    def echo(self) -> None:
        text = self.raw_body.decode("utf-8", "replace")
        ctype = self.headers.get("Content-Type", "")
        parsed: object = None
        form: dict[str, object] | None = None
        with contextlib.suppress(ValueError):
            parsed = json.loads(text) if text else None
        if ctype.startswith("application/x-www-form-urlencoded"):
            pairs = parse_qsl(text, keep_blank_values=True)
        elif ctype.startswith("multipart/form-data"):
            head = b"Content-Type: " + ctype.encode() + b"\r\n\r\n"
            message = BytesParser(policy=HTTP).parsebytes(head + self.raw_body)
            pairs = [
                (str(p.get_param("name", header="content-disposition")), p.get_content())
                for p in message.iter_parts()
            ]
        else:
            pairs = None
        if pairs is not None:
            form = multi(pairs)
        cookies = SimpleCookie(self.headers.get("Cookie", ""))
        self.send_json(
            200,
            {
                "method": self.command,
                "path": self.route_path,
                "query": multi(parse_qsl(self.raw_query, keep_blank_values=True)),
                "rawQuery": self.raw_query,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "cookies": {k: m.value for k, m in cookies.items()},
                "body": text,
                "json": parsed,
                "form": form,
            },
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    args = parser.parse_args(argv)
    Handler.store = Store()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True  # hanging handlers must not keep the process alive

    def stop(signum: int, frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
