"""A Hono back end laid out as a file-based route tree (issue 18): one module per method and path
(`api/notes/get.ts`, `api/notes/_noteId/delete.ts`), each exporting a function that returns a fresh sub-app
registering its one route, and an app module mounting each call's result (`app.route("", notesGet(deps))`).
The route modules are the routes layer: the app mounts them, so none builds the app (no composition root,
though one imports the session middleware of a routes folder), and a segment of the tree named like a test or
an assets folder (`api/probe/test/get.ts`, `api/v1/assets/_name/get.ts`) is application code the app imports.
A sub-app held in a variable and mounted by name on that app chain is a router too. Modules of test and asset
folders the app does not import keep their scope."""

from __future__ import annotations

from typing import Any

from reports import MakeProject, evidence_of, inspect_json, layers_of

PACKAGE = '{"name": "notes", "dependencies": {"hono": "^4.0.0"}, "devDependencies": {"vitest": "^2.0.0"}}'
APP = """import { Hono } from "hono"
import { Container } from "../Container"
import { notesGet } from "./api/v1/notes/get"
import { noteDelete } from "./api/v1/notes/_noteId/delete"
import { probeGet } from "./api/probe/test/get"
import { imageGet } from "./api/v1/assets/_name/get"

export function buildApp() {
  const container = new Container()
  return new Hono()
    .route("", probeGet())
    .route("", notesGet(container))
    .route("", noteDelete(container))
    .route("", imageGet(container))
}
"""
ENTRY = """import { buildApp } from "./web/app"

export default { fetch: (request: Request) => buildApp().fetch(request) }
"""
CONTAINER = """import { ListNotes } from "./usecases/ListNotes"

export class Container {
  listNotes() {
    return new ListNotes()
  }
}
"""
USE_CASE = """export class ListNotes {
  run(owner: string) {
    return [{ owner, title: "first" }]
  }
}
"""
MIDDLEWARE = """import { createMiddleware } from "hono/factory"

export const session = createMiddleware(async (c, next) => {
  c.set("owner", c.req.header("x-owner") ?? "anonymous")
  await next()
})
"""
NOTES_GET = """import { Hono } from "hono"
import { Container } from "../../../../Container"
import { session } from "../../../middleware/session"

export function notesGet(container: Container) {
  const listNotes = container.listNotes()
  return new Hono().get("/v1/notes", session, (c) => c.json(listNotes.run(c.get("owner"))))
}
"""
NOTE_DELETE = """import { Hono } from "hono"
import { Container } from "../../../../../Container"
import { session } from "../../../../middleware/session"

export function noteDelete(container: Container) {
  return new Hono().delete("/v1/notes/:noteId", session, (c) => c.body(null, 204))
}
"""
PROBE_GET = """import { Hono } from "hono"

export function probeGet() {
  return new Hono().get("/test", (c) => c.json({ ok: true }))
}
"""
IMAGE_GET = """import { Hono } from "hono"
import { Container } from "../../../../../Container"

export function imageGet(container: Container) {
  return new Hono().get("/v1/assets/:name", (c) => c.text(c.req.param("name")))
}
"""
TEST = """import { describe, it, expect } from "vitest"
import { buildApp } from "../src/web/app"

describe("notes", () => {
  it("lists", async () => {
    expect((await buildApp().request("/v1/notes")).status).toBe(200)
  })
})
"""


def _project() -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/index.ts": ENTRY,
        "src/Container.ts": CONTAINER,
        "src/usecases/ListNotes.ts": USE_CASE,
        "src/web/app.ts": APP,
        "src/web/middleware/session.ts": MIDDLEWARE,
        "src/web/api/v1/notes/get.ts": NOTES_GET,
        "src/web/api/v1/notes/_noteId/delete.ts": NOTE_DELETE,
        "src/web/api/probe/test/get.ts": PROBE_GET,
        "src/web/api/v1/assets/_name/get.ts": IMAGE_GET,
        "test/notes.spec.ts": TEST,
    }


ROUTE_FILES = (
    "src/web/api/v1/notes/get.ts",
    "src/web/api/v1/notes/_noteId/delete.ts",
    "src/web/api/probe/test/get.ts",
    "src/web/api/v1/assets/_name/get.ts",
)


def _roots(report: dict[str, Any]) -> list[str]:
    roots: list[str] = report["architecture"]["composition_roots"]
    return roots


def test_route_modules_an_app_mounts_by_factory_are_routes_not_roots(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project())
    layers = layers_of(report)
    for path in ROUTE_FILES:
        assert layers.get(path) == "routes", path
    assert _roots(report) == ["src/web/app.ts"]  # the one module building the app and mounting the others
    assert {route["file"] for route in report["framework"]["routes"]} == set(ROUTE_FILES)


def test_a_route_module_in_a_test_or_assets_segment_is_application_code(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project())
    assert report["project"]["by_scope"]["application"] == 9  # every src/ file; test/notes.spec.ts stays
    assert report["project"]["by_scope"]["test"] == 1


def test_modules_of_test_and_assets_folders_the_app_does_not_import_keep_their_scope(
    make_project: MakeProject,
) -> None:
    files = _project()
    files["test/helpers.ts"] = 'export const owner = "tester"\n'  # only a test would import it
    files["src/web/api/v1/assets/logo.ts"] = 'export const logo = "<svg/>"\n'  # nothing imports it
    files["test/notes.spec.ts"] = TEST.replace(
        'from "vitest"\n', 'from "vitest"\nimport { owner } from "./helpers"\n'
    )
    before = inspect_json(make_project, _project())["project"]["by_scope"]
    report = inspect_json(make_project, files)
    assert report["project"]["by_scope"]["test"] == before["test"] + 1
    assert report["project"]["by_scope"]["frontend"] == before.get("frontend", 0) + 1
    assert report["project"]["by_scope"]["application"] == before["application"]
    assert "test/helpers.ts" not in layers_of(report)


def test_a_module_of_a_test_folder_importing_a_runner_that_only_tests_import_stays_a_test(
    make_project: MakeProject,
) -> None:
    files = _project()
    files["src/web/api/probe/test/setup.ts"] = 'import { beforeAll } from "vitest"\n\nbeforeAll(() => {})\n'
    before = inspect_json(make_project, _project())["project"]["by_scope"]
    report = inspect_json(make_project, files)
    assert "src/web/api/probe/test/setup.ts" not in layers_of(report)
    assert report["project"]["by_scope"]["test"] == before["test"] + 1


def test_a_test_folder_module_only_test_support_imports_keeps_its_scope(make_project: MakeProject) -> None:
    files = _project()
    files["test/fixtures/notes.ts"] = 'export const notes = [{ owner: "tester", title: "first" }]\n'
    files["src/testUtils.ts"] = (
        'import { notes } from "../test/fixtures/notes"\n\nexport const seeded = () => notes\n'
    )
    before = inspect_json(make_project, _project())["project"]["by_scope"]
    report = inspect_json(make_project, files)
    assert report["project"]["by_scope"]["test"] == before["test"] + 1
    assert "test/fixtures/notes.ts" not in layers_of(report)


def test_a_sub_app_mounted_by_name_on_an_app_returned_as_built_is_routes(make_project: MakeProject) -> None:
    files = _project()
    # a sub-app kept in a variable and mounted by name on the app chain `buildApp` returns (no variable)
    files["src/web/api/v1/notes/get.ts"] = NOTES_GET.replace(
        "export function notesGet(container: Container) {\n  const listNotes = container.listNotes()\n"
        "  return new Hono()",
        "const listNotes = new Container().listNotes()\nexport const notes = new Hono()",
    ).replace("\n}\n", "\n")
    files["src/web/app.ts"] = APP.replace("notesGet(container)", "notes").replace("{ notesGet }", "{ notes }")
    report = inspect_json(make_project, files)
    assert _roots(report) == ["src/web/app.ts"]
    assert layers_of(report)["src/web/api/v1/notes/get.ts"] == "routes"
    assert evidence_of(report)["src/web/app.ts"] == "composition root"
