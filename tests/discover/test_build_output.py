"""Build output the project's own build configuration names (cdverify/build_output.py): the folder a compiler or
bundler writes, committed under a name discovery does not know, is `generated` — its compiled copy of the
application is not analysed again (routes, raw SQL, drivers and layers counted twice) — and only when that is
safe: never a source root, never outside the project, never the only copy of the code."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json

PACKAGE = """{
  "name": "api",
  "type": "module",
  "scripts": {"dev": "tsx watch src/index.ts"},
  "dependencies": {"hono": "^4.6.0", "drizzle-orm": "^0.38.0", "pg": "^8.11.0"}
}
"""

APP = """import { Hono } from "hono";
import { listNotes } from "./services/notes";

const app = new Hono();
app.get("/notes", async (c) => c.json(await listNotes()));
export default app;
"""

SERVICE = """import { db } from "../db";
import { notes } from "../schema";

export async function listNotes() {
  return db.select().from(notes);
}
"""

DB = """import { drizzle } from "drizzle-orm/node-postgres";
export const db = drizzle(process.env.DATABASE_URL!);
"""

SCHEMA = """import { pgTable, serial, text } from "drizzle-orm/pg-core";
export const notes = pgTable("notes", { id: serial("id").primaryKey(), body: text("body") });
"""

# what a bundler writes: the app inlined, with the driver the shared package imports and a raw query
BUNDLE = """import { Hono } from "hono";
import pg from "pg";

var pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
async function listNotes() {
  const { rows } = await pool.query("SELECT id, body FROM notes");
  return rows;
}
var app = new Hono();
app.get("/notes", async (c) => c.json(await listNotes()));
app.get("/health", (c) => c.text("ok"));
export { app as default };
"""


def _project(**extra: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "src/index.ts": APP,
        "src/services/notes.ts": SERVICE,
        "src/db.ts": DB,
        "src/schema.ts": SCHEMA,
    }
    files.update(extra)
    return files


def _bundled_in(folder: str, **extra: str) -> dict[str, str | bytes]:
    return _project(
        **{f"{folder}/index.js": BUNDLE, f"{folder}/chunk-X2AB.js": "export const x = 1;\n", **extra}
    )


def _analysed(report: dict[str, Any], folder: str) -> set[str]:
    """What of `folder` the report analyses: its routes, raw SQL and layered files."""
    inside = folder.rstrip("/") + "/"
    found = {f"route {r['path']}" for r in report["framework"]["routes"] if r["file"].startswith(inside)}
    found |= {f"sql {s['file']}" for s in report["orm"]["raw_sql"] if s["file"].startswith(inside)}
    found |= {f"layer {path}" for path in report["architecture"]["files"] if path.startswith(inside)}
    return found


def _left_out(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(b["path"], b["config"], b["setting"]) for b in report["project"].get("build_output", [])]


TSUP = """import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  outDir: "api",
  clean: true,
});
"""


def test_a_tsup_out_dir_is_build_output(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _bundled_in("api", **{"tsup.config.ts": TSUP}))
    assert _analysed(report, "api") == set()
    assert report["project"]["by_scope"]["generated"] == 2
    assert report["project"]["build_output"] == [
        {"path": "api", "config": "tsup.config.ts", "line": 6, "setting": "outDir"}
    ]
    assert "pg" not in report["orm"]["libraries"]
    assert {r["path"] for r in report["framework"]["routes"]} == {"/notes"}


def test_without_the_configuration_the_folder_is_analysed(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _bundled_in("api"))
    assert "route /health" in _analysed(report, "api")
    assert "build_output" not in report["project"]


TSCONFIG = """{
  // compiled for the host, committed
  "compilerOptions": {
    "target": "ES2022",
    "outDir": "./server-build", /* emitted JavaScript */
    "rootDir": "./src",
  },
  "include": ["src/**/*"],
}
"""


def test_a_tsconfig_out_dir_is_build_output(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _bundled_in("server-build", **{"tsconfig.json": TSCONFIG}))
    assert _analysed(report, "server-build") == set()
    assert _left_out(report) == [("server-build", "tsconfig.json", "compilerOptions.outDir")]


def test_an_out_dir_of_a_tsconfig_in_a_package_is_relative_to_it(make_project: MakeProject) -> None:
    files = {f"apps/api/{path}": content for path, content in _bundled_in("lib").items()}
    files["apps/api/tsconfig.build.json"] = '{"compilerOptions": {"outDir": "lib"}}'
    report = inspect_json(make_project, files)
    assert _analysed(report, "apps/api/lib") == set()
    assert _left_out(report) == [("apps/api/lib", "apps/api/tsconfig.build.json", "compilerOptions.outDir")]


VITE = """import { defineConfig } from "vite";
export default defineConfig({ build: { outDir: "compiled", ssr: "src/index.ts" } });
"""

ROLLUP = """export default {
  input: "src/index.ts",
  output: { dir: "compiled", format: "es" },
};
"""

WEBPACK = """const path = require("path");
module.exports = {
  entry: "./src/index.ts",
  target: "node",
  output: { path: path.resolve(__dirname, "compiled"), filename: "index.js" },
};
"""

ESBUILD = """import * as esbuild from "esbuild";

await esbuild.build({ entryPoints: ["src/index.ts"], bundle: true, platform: "node", outdir: "compiled" });
"""


@pytest.mark.parametrize(
    ("name", "config", "setting"),
    [
        ("vite.config.ts", VITE, "build.outDir"),
        ("rollup.config.mjs", ROLLUP, "output.dir"),
        ("webpack.config.js", WEBPACK, "output.path"),
        ("scripts/build.mjs", ESBUILD, "outdir"),  # relative to the package's folder, where the build runs
    ],
)
def test_bundler_configurations_name_build_output(
    make_project: MakeProject, name: str, config: str, setting: str
) -> None:
    report = inspect_json(make_project, _bundled_in("compiled", **{name: config}))
    assert _analysed(report, "compiled") == set()
    assert _left_out(report) == [("compiled", name, setting)]


def test_an_output_file_is_build_output(make_project: MakeProject) -> None:
    config = 'export default { input: "src/index.ts", output: { file: "handler/index.js", format: "es" } };\n'
    report = inspect_json(make_project, _project(**{"rollup.config.js": config, "handler/index.js": BUNDLE}))
    assert _analysed(report, "handler") == set()
    assert _left_out(report) == [("handler/index.js", "rollup.config.js", "output.file")]


@pytest.mark.parametrize(
    ("script", "setting"),
    [
        ("babel src --out-dir compiled --extensions .ts", "--out-dir"),
        ("npx tsc --outDir=compiled", "--outDir"),
        ("pnpm exec tsup src/index.ts -d compiled --format esm", "-d"),
    ],
)
def test_package_scripts_name_build_output(make_project: MakeProject, script: str, setting: str) -> None:
    package = PACKAGE.replace('"dev": "tsx watch src/index.ts"', f'"build": "{script}"')
    report = inspect_json(make_project, _bundled_in("compiled", **{"package.json": package}))
    assert _analysed(report, "compiled") == set()
    assert _left_out(report) == [("compiled", "package.json", setting)]


# -- what is never left out -------------------------------------------------------------------------------


def _kept(make_project: MakeProject, files: dict[str, str | bytes], folder: str) -> dict[str, Any]:
    report = inspect_json(make_project, files)
    assert "route /health" in _analysed(report, folder)
    assert "build_output" not in report["project"]
    return report


def test_the_project_folder_or_one_above_is_never_build_output(make_project: MakeProject) -> None:
    files = _bundled_in("api", **{"tsconfig.json": '{"compilerOptions": {"outDir": "./"}}'})
    _kept(make_project, files, "api")
    files = {f"apps/api/{path}": content for path, content in _bundled_in("api").items()}
    files["apps/api/tsconfig.json"] = '{"compilerOptions": {"outDir": ".."}}'
    _kept(make_project, files, "apps/api/api")


def test_a_folder_outside_the_project_is_never_build_output(make_project: MakeProject) -> None:
    files = _bundled_in("api", **{"tsup.config.ts": TSUP.replace('"api"', '"../api"')})
    _kept(make_project, files, "api")


def test_a_folder_holding_the_sources_is_never_build_output(make_project: MakeProject) -> None:
    # the output folder holds the configured root of the sources
    config = '{"compilerOptions": {"outDir": "app", "rootDir": "app/code"}}'
    files = _bundled_in("app", **{"tsconfig.json": config, "app/code/main.js": "export const main = 1;\n"})
    _kept(make_project, files, "app")
    # an entry of the bundler
    _kept(
        make_project,
        _bundled_in("app", **{"tsup.config.ts": TSUP.replace('"src/index.ts"', '"app/main.js"')}),
        "app",
    )


def test_a_folder_holding_typescript_sources_is_never_build_output(make_project: MakeProject) -> None:
    files = _bundled_in("api", **{"tsup.config.ts": TSUP, "api/types.ts": "export type Id = number;\n"})
    _kept(make_project, files, "api")


def test_declaration_files_do_not_keep_a_folder(make_project: MakeProject) -> None:
    files = _bundled_in("api", **{"tsup.config.ts": TSUP, "api/index.d.ts": "export {};\n"})
    report = inspect_json(make_project, files)
    assert _analysed(report, "api") == set()


def test_a_folder_holding_its_own_tsconfig_is_never_build_output(make_project: MakeProject) -> None:
    files = _bundled_in("api", **{"tsup.config.ts": TSUP, "api/tsconfig.json": "{}"})
    _kept(make_project, files, "api")


def test_a_configuration_that_emits_nothing_names_no_output(make_project: MakeProject) -> None:
    config = '{"compilerOptions": {"noEmit": true, "outDir": "api"}}'
    _kept(make_project, _bundled_in("api", **{"tsconfig.json": config}), "api")


def test_a_computed_output_path_is_not_followed(make_project: MakeProject) -> None:
    config = TSUP.replace('outDir: "api"', "outDir: `${process.env.OUT}/api`")
    _kept(make_project, _bundled_in("api", **{"tsup.config.ts": config}), "api")


def test_the_only_copy_of_the_code_is_never_build_output(make_project: MakeProject) -> None:
    # the sources are not committed: the compiled app is all the project holds
    files: dict[str, str | bytes] = {
        "package.json": PACKAGE,
        "tsconfig.json": '{"compilerOptions": {"outDir": "api"}}',
        "api/index.js": BUNDLE,
    }
    _kept(make_project, files, "api")


def test_a_scopes_glob_of_the_configuration_keeps_its_files(make_project: MakeProject) -> None:
    config = '[scopes]\napplication = ["api/**"]\n'
    files = _bundled_in("api", **{"tsup.config.ts": TSUP, "cdverify.toml": config})
    _kept(make_project, files, "api")
