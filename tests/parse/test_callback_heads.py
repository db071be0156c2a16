"""An inline callback handed to a call is recorded by its head (session 2026-12-07 (18)): a route's inline
handler after a long options object is read from the route call's arguments, not its shortened text
(detect/layers/delegation.py)."""

from __future__ import annotations

from cdverify.model import CallFact, Language
from cdverify.parse import parse_source

ROUTES = """import fastify from 'fastify';
import { login } from './login';

const app = fastify();
app.post<{ Body: { email: string } }>(
  '/login',
  { schema: { body: { type: 'object' } } },
  async (request: Request<{ Body: B }>, reply) => login(app, request, reply),
);
app.get('/a', function (req, res) { return login(app, req, res); });
app.get('/b', ctx => login(app, ctx));
app.get('/c', login);
"""


def _route(line: int) -> CallFact:
    facts = parse_source("routes.ts", Language.TYPESCRIPT, ROUTES.encode())
    return next(call for call in facts.calls if call.line == line and call.callee.startswith("fastify()."))


def test_an_inline_callback_argument_is_its_head() -> None:
    assert _route(5).args[-1].text == "async (request: Request<{ Body: B }>, reply) =>"
    assert _route(10).args[-1].text == "function (req, res)"
    assert _route(11).args[-1].text == "ctx =>"


def test_a_function_named_keeps_its_value() -> None:
    handler = _route(12).args[-1]
    assert handler.text == "" and handler.calls == ("./login.login",)
