"""NodeResolver over small projects written to disk by each test (no node_modules, ever)."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from cdverify.catalog import load_rules
from cdverify.model import Resolution, TargetKind
from cdverify.resolve.node import NodeResolver, manifests, specifiers
from cdverify.rules_schema import NodeResolution

Content = str | dict[str, object] | list[object]


def make_project(root: Path, files: dict[str, Content]) -> NodeResolver:
    """Write `files` under `root` (dicts and lists as JSON) and build a resolver over exactly those."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return NodeResolver(root, list(files))


def internal(target: str, via: str) -> Resolution:
    return Resolution(TargetKind.INTERNAL, target=target, via=via)


def external(package: str) -> Resolution:
    return Resolution(TargetKind.EXTERNAL, package=package, via="external")


def builtin(package: str) -> Resolution:
    return Resolution(TargetKind.STDLIB, package=package, via="builtin")


def unresolved(specifier: str, via: str | None) -> Resolution:
    return Resolution(TargetKind.UNRESOLVED, package=specifier, via=via)


# --- relative specifiers ------------------------------------------------------------------------------


def test_relative_file_without_extension(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"src/app.ts": "", "src/user.service.ts": ""})
    assert resolver.resolve("src/app.ts", "./user.service") == internal("src/user.service.ts", "relative")


def test_relative_exact_file_with_extension(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"src/app.ts": "", "src/styles.css": "", "src/data.json": "{}"})
    assert resolver.resolve("src/app.ts", "./styles.css") == internal("src/styles.css", "relative")
    assert resolver.resolve("src/app.ts", "./data") == internal("src/data.json", "relative")


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        (["x.ts", "x.tsx", "x.js"], "x.ts"),
        (["x.tsx", "x.d.ts", "x.js"], "x.tsx"),
        (["x.d.ts", "x.js"], "x.d.ts"),
        (["x.js", "x.jsx"], "x.js"),
        (["x.jsx", "x.mjs"], "x.jsx"),
        (["x.mjs", "x.cjs"], "x.mjs"),
        (["x.cjs", "x.mts"], "x.cjs"),
        (["x.mts", "x.cts"], "x.mts"),
        (["x.cts", "x.json"], "x.cts"),
    ],
)
def test_extension_probe_order(tmp_path: Path, present: list[str], expected: str) -> None:
    resolver = make_project(tmp_path, {"main.ts": "", **{name: "" for name in present}})
    assert resolver.resolve("main.ts", "./x") == internal(expected, "relative")


@pytest.mark.parametrize(
    ("specifier", "source"),
    [
        ("./user.js", "user.ts"),
        ("./view.jsx", "view.tsx"),
        ("./esm.mjs", "esm.mts"),
        ("./cjs.cjs", "cjs.cts"),
    ],
)
def test_typescript_esm_style_names_the_emitted_file(tmp_path: Path, specifier: str, source: str) -> None:
    resolver = make_project(tmp_path, {"src/app.ts": "", f"src/{source}": ""})
    assert resolver.resolve("src/app.ts", specifier) == internal(f"src/{source}", "relative")


def test_js_specifier_prefers_source_over_emitted_file_next_to_it(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"app.ts": "", "user.ts": "", "user.js": "", "plain.js": ""})
    assert resolver.resolve("app.ts", "./user.js") == internal("user.ts", "relative")
    assert resolver.resolve("app.ts", "./plain.js") == internal("plain.js", "relative")


def test_directory_index_files(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "src/app.js": "",
            "src/routes/index.js": "",
            "src/services/index.tsx": "",
            "src/models/index.ts": "",
        },
    )
    assert resolver.resolve("src/app.js", "./routes") == internal("src/routes/index.js", "relative")
    assert resolver.resolve("src/app.js", "./services/") == internal("src/services/index.tsx", "relative")
    assert resolver.resolve("src/app.js", "./models") == internal("src/models/index.ts", "relative")


def test_file_wins_over_directory_of_same_name(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"app.ts": "", "models.ts": "", "models/index.ts": ""})
    assert resolver.resolve("app.ts", "./models") == internal("models.ts", "relative")


def test_dot_and_dotdot(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"src/index.ts": "", "src/a/index.ts": "", "src/a/b.ts": ""})
    assert resolver.resolve("src/a/b.ts", ".") == internal("src/a/index.ts", "relative")
    assert resolver.resolve("src/a/b.ts", "..") == internal("src/index.ts", "relative")
    assert resolver.resolve("src/a/b.ts", "../a/./b") == internal("src/a/b.ts", "relative")


def test_directory_with_own_package_json(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "app.js": "",
            "vendor/lib/package.json": {"main": "main.js"},
            "vendor/lib/main.js": "",
            "vendor/lib/index.js": "",
            "tools/package.json": {"main": "./dist/tools.js"},
            "tools/src/tools.ts": "",
        },
    )
    assert resolver.resolve("app.js", "./vendor/lib") == internal("vendor/lib/main.js", "relative")
    assert resolver.resolve("app.js", "./tools") == internal("tools/src/tools.ts", "relative")


def test_relative_misses(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"src/app.ts": ""})
    assert resolver.resolve("src/app.ts", "./missing") == unresolved("./missing", "relative")
    assert resolver.resolve("src/app.ts", "../../outside") == unresolved("../../outside", "relative")


def test_query_and_hash_are_stripped(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"src/app.ts": "", "src/logo.svg": "", "src/worker.ts": ""})
    assert resolver.resolve("src/app.ts", "./logo.svg?raw") == internal("src/logo.svg", "relative")
    assert resolver.resolve("src/app.ts", "./worker?worker&inline") == internal("src/worker.ts", "relative")
    assert resolver.resolve("src/app.ts", "./worker#main") == internal("src/worker.ts", "relative")


def test_absolute_paths(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"src/app.ts": "", "src/db.ts": ""})
    inside = f"{tmp_path.as_posix()}/src/db"
    assert resolver.resolve("src/app.ts", inside) == internal("src/db.ts", "relative")
    assert resolver.resolve("src/app.ts", "/etc/config") == unresolved("/etc/config", "relative")


def test_urls_are_external_by_scheme(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"app.mjs": ""})
    assert resolver.resolve("app.mjs", "https://esm.sh/preact") == external("https")
    assert resolver.resolve("app.mjs", "data:text/javascript,export default 1") == external("data")


# --- tsconfig / jsconfig ------------------------------------------------------------------------------


def test_paths_wildcard_with_base_url(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}},
            "src/routes/users.ts": "",
            "src/services/user.service.ts": "",
        },
    )
    assert resolver.resolve("src/routes/users.ts", "@/services/user.service") == internal(
        "src/services/user.service.ts", "tsconfig-paths"
    )


def test_paths_longest_prefix_wins(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {
                "compilerOptions": {"paths": {"@app/*": ["src/app/*"], "@app/core/*": ["src/core/*"]}}
            },
            "src/main.ts": "",
            "src/core/db.ts": "",
            "src/app/core/db.ts": "",
            "src/app/http.ts": "",
        },
    )
    assert resolver.resolve("src/main.ts", "@app/core/db") == internal("src/core/db.ts", "tsconfig-paths")
    assert resolver.resolve("src/main.ts", "@app/http") == internal("src/app/http.ts", "tsconfig-paths")


def test_paths_exact_pattern_beats_wildcard(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {
                "compilerOptions": {"paths": {"@config": ["src/config/index.ts"], "@*": ["src/*"]}}
            },
            "src/main.ts": "",
            "src/config/index.ts": "",
            "src/config.ts": "",
        },
    )
    assert resolver.resolve("src/main.ts", "@config") == internal("src/config/index.ts", "tsconfig-paths")


def test_paths_substitutions_tried_in_order(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {
                "compilerOptions": {"paths": {"~lib/*": ["generated/*", "src/lib/*", "other/*"]}}
            },
            "src/main.ts": "",
            "src/lib/log.ts": "",
            "other/log.ts": "",
        },
    )
    assert resolver.resolve("src/main.ts", "~lib/log") == internal("src/lib/log.ts", "tsconfig-paths")


def test_paths_are_relative_to_base_url_when_set_else_to_config(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "api/tsconfig.json": {"compilerOptions": {"paths": {"#lib/*": ["./lib/*"]}}},
            "api/lib/a.ts": "",
            "api/main.ts": "",
            "web/tsconfig.json": {"compilerOptions": {"baseUrl": "./src", "paths": {"@/*": ["*"]}}},
            "web/src/b.ts": "",
            "web/src/main.ts": "",
        },
    )
    assert resolver.resolve("api/main.ts", "#lib/a") == internal("api/lib/a.ts", "tsconfig-paths")
    assert resolver.resolve("web/src/main.ts", "@/b") == internal("web/src/b.ts", "tsconfig-paths")


def test_alias_miss_is_unresolved_but_catch_all_miss_is_external(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {"compilerOptions": {"paths": {"@/*": ["src/*"], "*": ["types/*"]}}},
            "src/main.ts": "",
            "types/express.d.ts": "",
        },
    )
    # unresolved, with the path the alias maps it to (a generated client's git-ignored folder is read so)
    missing = unresolved("@/missing", "tsconfig-paths")._replace(target="src/missing")
    assert resolver.resolve("src/main.ts", "@/missing") == missing
    assert resolver.resolve("src/main.ts", "lodash") == external("lodash")
    assert resolver.resolve("src/main.ts", "express") == internal("types/express.d.ts", "tsconfig-paths")


def test_alias_shaped_specifier_without_config_is_unresolved(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"src/main.ts": ""})
    assert resolver.resolve("src/main.ts", "~/utils") == unresolved("~/utils", "tsconfig-paths")
    assert resolver.resolve("src/main.ts", "@/utils") == unresolved("@/utils", "tsconfig-paths")


def test_base_url_bare_specifiers(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {"compilerOptions": {"baseUrl": "src"}},
            "src/main.ts": "",
            "src/services/user.ts": "",
        },
    )
    assert resolver.resolve("src/main.ts", "services/user") == internal(
        "src/services/user.ts", "tsconfig-baseurl"
    )
    assert resolver.resolve("src/main.ts", "express") == external("express")


def test_base_url_file_shadows_builtin_but_node_scheme_does_not(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {"compilerOptions": {"baseUrl": "src"}},
            "src/main.ts": "",
            "src/domain/user.ts": "",
        },
    )
    assert resolver.resolve("src/main.ts", "domain/user") == internal(
        "src/domain/user.ts", "tsconfig-baseurl"
    )
    assert resolver.resolve("src/main.ts", "fs") == builtin("fs")
    assert resolver.resolve("src/main.ts", "node:domain") == builtin("domain")


def test_jsonc_comments_and_trailing_commas(tmp_path: Path) -> None:
    tsconfig = """{
      // editor-generated
      "compilerOptions": {
        /* aliases */
        "baseUrl": ".",
        "paths": { "@/*": ["src/*",], },
      },
    }"""
    resolver = make_project(tmp_path, {"tsconfig.json": tsconfig, "src/a.ts": "", "src/b.ts": ""})
    assert resolver.resolve("src/a.ts", "@/b") == internal("src/b.ts", "tsconfig-paths")
    assert resolver.problems == []


def test_malformed_tsconfig_is_absent_and_reported(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {"compilerOptions": {"paths": {"@/*": ["src/*"]}}},
            "src/tsconfig.json": '{"compilerOptions": {"paths": ',
            "src/a.ts": "",
            "src/b.ts": "",
        },
    )
    # the broken nearest config is skipped: the one above it applies
    assert resolver.resolve("src/a.ts", "@/b") == internal("src/b.ts", "tsconfig-paths")
    assert [path for path, _ in resolver.problems] == ["src/tsconfig.json"]
    assert "malformed" in resolver.problems[0][1]


def test_tsconfig_that_is_not_an_object(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"tsconfig.json": "[1, 2]", "a.ts": "", "b.ts": ""})
    assert resolver.resolve("a.ts", "./b") == internal("b.ts", "relative")
    assert resolver.resolve("a.ts", "b") == external("b")
    assert len(resolver.problems) == 1


def test_extends_chain_paths_relative_to_defining_config(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "configs/root.json": {"compilerOptions": {"paths": {"@shared/*": ["../shared/*"]}}},
            "apps/api/tsconfig.base.json": {"extends": "../../configs/root.json"},
            "apps/api/tsconfig.json": {"extends": "./tsconfig.base", "compilerOptions": {"strict": True}},
            "apps/api/src/main.ts": "",
            "shared/clock.ts": "",
        },
    )
    assert resolver.resolve("apps/api/src/main.ts", "@shared/clock") == internal(
        "shared/clock.ts", "tsconfig-paths"
    )


def test_extends_child_overrides_parent_and_base_url_is_relative_to_its_config(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.base.json": {
                "compilerOptions": {"baseUrl": "./packages", "paths": {"@old/*": ["old/*"]}},
            },
            "app/tsconfig.json": {
                "extends": "../tsconfig.base.json",
                "compilerOptions": {"paths": {"@new/*": ["core/*"]}},
            },
            "app/main.ts": "",
            "packages/core/x.ts": "",
            "packages/old/y.ts": "",
        },
    )
    # child's paths replace the parent's, and resolve against the parent's baseUrl
    assert resolver.resolve("app/main.ts", "@new/x") == internal("packages/core/x.ts", "tsconfig-paths")
    assert resolver.resolve("app/main.ts", "@old/y") == external("@old/y")
    assert resolver.resolve("app/main.ts", "core/x") == internal("packages/core/x.ts", "tsconfig-baseurl")


def test_extends_array_later_entries_win(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "a.json": {"compilerOptions": {"paths": {"@x/*": ["one/*"]}}},
            "b.json": {"compilerOptions": {"paths": {"@x/*": ["two/*"]}}},
            "tsconfig.json": {"extends": ["./a.json", "./b.json"]},
            "main.ts": "",
            "one/m.ts": "",
            "two/m.ts": "",
        },
    )
    assert resolver.resolve("main.ts", "@x/m") == internal("two/m.ts", "tsconfig-paths")


def test_extends_npm_package_is_ignored_quietly(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {
                "extends": ["@tsconfig/node20/tsconfig.json", "@tsconfig/strictest"],
                "compilerOptions": {"paths": {"@/*": ["src/*"]}},
            },
            "src/a.ts": "",
            "src/b.ts": "",
        },
    )
    assert resolver.resolve("src/a.ts", "@/b") == internal("src/b.ts", "tsconfig-paths")
    assert resolver.problems == []


def test_extends_target_outside_file_list_is_still_read(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {"tsconfig.json": {"extends": "./.config/ts.json"}, "src/a.ts": "", "src/b.ts": ""},
    )
    hidden = tmp_path / ".config" / "ts.json"
    hidden.parent.mkdir()
    hidden.write_text(json.dumps({"compilerOptions": {"paths": {"@/*": ["../src/*"]}}}))
    assert resolver.resolve("src/a.ts", "@/b") == internal("src/b.ts", "tsconfig-paths")


def test_cyclic_and_missing_extends_are_reported(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {"extends": ["./a.json", "./missing.json"], "compilerOptions": {"baseUrl": "."}},
            "a.json": {"extends": "./tsconfig.json"},
            "main.ts": "",
            "lib.ts": "",
        },
    )
    assert resolver.resolve("main.ts", "lib") == internal("lib.ts", "tsconfig-baseurl")
    messages = " | ".join(message for _, message in resolver.problems)
    assert "cyclic" in messages
    assert "missing.json" in messages


def test_nearest_config_applies(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {"compilerOptions": {"paths": {"@/*": ["root/*"]}}},
            "packages/api/tsconfig.json": {"compilerOptions": {"paths": {"@/*": ["src/*"]}}},
            "packages/api/src/deep/main.ts": "",
            "packages/api/src/db.ts": "",
            "root/db.ts": "",
            "scripts/seed.ts": "",
        },
    )
    assert resolver.resolve("packages/api/src/deep/main.ts", "@/db") == internal(
        "packages/api/src/db.ts", "tsconfig-paths"
    )
    assert resolver.resolve("scripts/seed.ts", "@/db") == internal("root/db.ts", "tsconfig-paths")


def test_jsconfig_when_no_tsconfig_and_tsconfig_first(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "jsconfig.json": {"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["lib/*"]}}},
            "lib/x.js": "",
            "app.js": "",
            "ts/tsconfig.json": {"compilerOptions": {"paths": {"@/*": ["own/*"]}}},
            "ts/jsconfig.json": {"compilerOptions": {"paths": {"@/*": ["nope/*"]}}},
            "ts/own/x.ts": "",
            "ts/app.ts": "",
        },
    )
    assert resolver.resolve("app.js", "@/x") == internal("lib/x.js", "tsconfig-paths")
    assert resolver.resolve("ts/app.ts", "@/x") == internal("ts/own/x.ts", "tsconfig-paths")


def test_config_dir_template(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.base.json": {"compilerOptions": {"paths": {"@/*": ["${configDir}/src/*"]}}},
            "svc/tsconfig.json": {"extends": "../tsconfig.base.json"},
            "svc/src/a.ts": "",
            "svc/src/b.ts": "",
        },
    )
    assert resolver.resolve("svc/src/a.ts", "@/b") == internal("svc/src/b.ts", "tsconfig-paths")


# --- package.json imports ------------------------------------------------------------------------------


def test_package_imports_wildcard_maps_js_to_ts(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "package.json": {"name": "app", "imports": {"#internal/*": "./src/internal/*.js"}},
            "src/main.ts": "",
            "src/internal/db/pool.ts": "",
        },
    )
    assert resolver.resolve("src/main.ts", "#internal/db/pool") == internal(
        "src/internal/db/pool.ts", "package-imports"
    )


def test_package_imports_condition_preference(tmp_path: Path) -> None:
    imports = {
        "#config": {"default": "./src/config.default.js", "node": "./src/config.node.js"},
        "#log": {
            "browser": "./src/log.browser.js",
            "import": {"types": "./src/log.d.ts", "default": "./x.js"},
        },
        "#fallback": {"types": "./dist/none.d.ts", "require": "./src/fallback.cjs"},
    }
    resolver = make_project(
        tmp_path,
        {
            "package.json": {"imports": imports},
            "src/main.js": "",
            "src/config.default.js": "",
            "src/config.node.js": "",
            "src/log.browser.js": "",
            "src/log.d.ts": "",
            "src/fallback.cjs": "",
        },
    )
    assert resolver.resolve("src/main.js", "#config") == internal("src/config.node.js", "package-imports")
    assert resolver.resolve("src/main.js", "#log") == internal("src/log.d.ts", "package-imports")
    # the preferred condition names no file: the next one is taken
    assert resolver.resolve("src/main.js", "#fallback") == internal("src/fallback.cjs", "package-imports")


def test_package_imports_to_bare_package_and_misses(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "package.json": {"imports": {"#db": {"node": "pg", "default": "./src/db-memory.js"}}},
            "src/main.js": "",
            "src/db-memory.js": "",
        },
    )
    assert resolver.resolve("src/main.js", "#db") == external("pg")
    assert resolver.resolve("src/main.js", "#missing") == unresolved("#missing", "package-imports")


def test_module_alias_field(tmp_path: Path) -> None:
    """`_moduleAliases` (module-alias): whole specifier or a `/` prefix, longer names tried first, a
    sub-package without aliases inherits its parent's, a miss under an alias is unresolved."""
    resolver = make_project(
        tmp_path,
        {
            "package.json": {
                "dependencies": {"module-alias": "^2.2.3"},
                "_moduleAliases": {
                    "@": "./src",
                    "@app": "./src/app",
                    "@service": "src/service",
                    "lib": "./lib",
                },
            },
            "src/main.js": "",
            "src/app/index.js": "",
            "src/service/article.js": "",
            "src/util.js": "",
            "lib/x.js": "",
            "tools/package.json": {"name": "tools"},
            "tools/run.js": "",
        },
    )
    assert resolver.resolve("src/main.js", "@app") == internal("src/app/index.js", "module-alias")
    assert resolver.resolve("src/main.js", "@service/article") == internal(
        "src/service/article.js", "module-alias"
    )
    assert resolver.resolve("src/main.js", "@/util") == internal("src/util.js", "module-alias")
    assert resolver.resolve("tools/run.js", "lib/x") == internal("lib/x.js", "module-alias")
    assert resolver.resolve("src/main.js", "@service/missing") == unresolved(
        "@service/missing", "module-alias"
    )
    # `@apps` is not `@app` + `/…`, and `library` is not `lib/…`: both stay packages
    assert resolver.resolve("src/main.js", "library") == external("library")
    assert resolver.resolve("src/main.js", "@apps/x") == external("@apps/x")


def test_no_module_aliases_leaves_bare_specifiers_alone(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"package.json": {"name": "x"}, "src/main.js": "", "lib/x.js": ""})
    assert resolver.resolve("src/main.js", "lib/x") == external("lib")


def test_package_imports_use_nearest_package_json(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "package.json": {"imports": {"#x": "./root-x.js"}},
            "root-x.js": "",
            "services/api/package.json": {"name": "api", "imports": {"#x": "./src/x.js"}},
            "services/api/src/x.ts": "",
            "services/api/src/main.ts": "",
        },
    )
    assert resolver.resolve("services/api/src/main.ts", "#x") == internal(
        "services/api/src/x.ts", "package-imports"
    )


# --- workspaces --------------------------------------------------------------------------------------


def _monorepo(workspace_files: dict[str, Content]) -> dict[str, Content]:
    return {
        **workspace_files,
        "packages/shared/package.json": {
            "name": "@acme/shared",
            "exports": {
                ".": {"types": "./dist/index.d.ts", "import": "./dist/index.js"},
                "./utils/*": "./dist/utils/*.js",
                "./internal/*": None,
            },
        },
        "packages/shared/src/index.ts": "",
        "packages/shared/src/utils/date.ts": "",
        "packages/shared/src/internal/secret.ts": "",
        "apps/api/package.json": {"name": "@acme/api", "dependencies": {"@acme/shared": "workspace:*"}},
        "apps/api/src/main.ts": "",
    }


@pytest.mark.parametrize(
    "workspace_files",
    [
        {"package.json": {"private": True, "workspaces": ["packages/*", "apps/*"]}},
        {"package.json": {"private": True, "workspaces": {"packages": ["packages/*", "apps/*"]}}},
        {"pnpm-workspace.yaml": "packages:\n  - 'packages/**'\n  - apps/*\n  - '!**/test/**'\n"},
        {"lerna.json": {"packages": ["packages/*", "apps/*"]}},
    ],
    ids=["npm", "yarn-object", "pnpm", "lerna"],
)
def test_workspace_package_exports_fall_back_to_source(
    tmp_path: Path, workspace_files: dict[str, Content]
) -> None:
    resolver = make_project(tmp_path, _monorepo(workspace_files))
    importer = "apps/api/src/main.ts"
    assert resolver.resolve(importer, "@acme/shared") == internal("packages/shared/src/index.ts", "workspace")
    assert resolver.resolve(importer, "@acme/shared/utils/date") == internal(
        "packages/shared/src/utils/date.ts", "workspace"
    )
    assert resolver.resolve(importer, "@acme/shared/internal/secret") == unresolved(
        "@acme/shared/internal/secret", "workspace"
    )
    assert resolver.problems == []


def test_workspace_built_output_is_preferred_when_present(tmp_path: Path) -> None:
    files = _monorepo({"package.json": {"workspaces": ["packages/*", "apps/*"]}})
    files["packages/shared/dist/index.js"] = ""
    resolver = make_project(tmp_path, files)
    assert resolver.resolve("apps/api/src/main.ts", "@acme/shared") == internal(
        "packages/shared/dist/index.js", "workspace"
    )


def test_pnpm_negated_glob_excludes_member(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "pnpm-workspace.yaml": "packages:\n  - 'packages/**'\n  - '!packages/legacy/**'\n",
            "packages/legacy/old/package.json": {"name": "old"},
            "packages/legacy/old/index.js": "",
            "packages/api/package.json": {"name": "api", "dependencies": {"old": "^1.0.0"}},
            "packages/api/index.js": "",
        },
    )
    # not a member, and the importer asks the registry for it: the published package
    assert resolver.resolve("packages/api/index.js", "old") == external("old")


def test_workspace_entry_fields_without_exports(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "package.json": {"workspaces": ["libs/*"]},
            "libs/types/package.json": {"name": "@acme/types", "types": "./index.d.ts", "main": "./index.js"},
            "libs/types/index.d.ts": "",
            "libs/db/package.json": {"name": "@acme/db", "main": "lib/index.js"},
            "libs/db/src/index.ts": "",
            "libs/esm/package.json": {"name": "esm-lib", "module": "./dist/esm/index.mjs"},
            "libs/esm/src/index.mts": "",
            "libs/bare/package.json": {"name": "bare"},
            "libs/bare/index.js": "",
            "libs/src-only/package.json": {"name": "src-only"},
            "libs/src-only/src/index.ts": "",
            "main.ts": "",
        },
    )
    assert resolver.resolve("main.ts", "@acme/types") == internal("libs/types/index.d.ts", "workspace")
    assert resolver.resolve("main.ts", "@acme/db") == internal("libs/db/src/index.ts", "workspace")
    assert resolver.resolve("main.ts", "esm-lib") == internal("libs/esm/src/index.mts", "workspace")
    assert resolver.resolve("main.ts", "bare") == internal("libs/bare/index.js", "workspace")
    assert resolver.resolve("main.ts", "src-only") == internal("libs/src-only/src/index.ts", "workspace")


def test_workspace_subpath_without_exports_and_missing_subpath(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "package.json": {"workspaces": ["packages/*"]},
            "packages/kit/package.json": {"name": "kit", "main": "index.js"},
            "packages/kit/index.js": "",
            "packages/kit/tools/format.js": "",
            "packages/kit/lib/strings.js": "",
            "app.js": "",
        },
    )
    assert resolver.resolve("app.js", "kit/tools/format") == internal(
        "packages/kit/tools/format.js", "workspace"
    )
    assert resolver.resolve("app.js", "kit/lib/strings.js") == internal(
        "packages/kit/lib/strings.js", "workspace"
    )
    assert resolver.resolve("app.js", "kit/nope") == unresolved("kit/nope", "workspace")


def test_exports_string_and_sugar_forms(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "package.json": {"workspaces": ["p/*"]},
            "p/one/package.json": {"name": "one", "exports": "./src/one.js"},
            "p/one/src/one.ts": "",
            "p/two/package.json": {"name": "two", "exports": {"require": "./two.cjs", "import": "./two.mjs"}},
            "p/two/two.mjs": "",
            "p/two/two.cjs": "",
            "p/three/package.json": {
                "name": "three",
                "exports": {"./*": "./src/*.ts", "./feature": "./f.ts"},
            },
            "p/three/src/a/b.ts": "",
            "p/three/f.ts": "",
            "main.ts": "",
        },
    )
    assert resolver.resolve("main.ts", "one") == internal("p/one/src/one.ts", "workspace")
    assert resolver.resolve("main.ts", "two") == internal("p/two/two.mjs", "workspace")
    assert resolver.resolve("main.ts", "three/a/b") == internal("p/three/src/a/b.ts", "workspace")
    assert resolver.resolve("main.ts", "three/feature") == internal("p/three/f.ts", "workspace")


def test_self_reference(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "package.json": {
                "name": "my-api",
                "exports": {".": "./dist/index.js", "./models/*": "./dist/models/*.js"},
            },
            "src/index.ts": "",
            "src/models/user.ts": "",
            "src/routes/users.ts": "",
        },
    )
    importer = "src/routes/users.ts"
    assert resolver.resolve(importer, "my-api") == internal("src/index.ts", "self-reference")
    assert resolver.resolve(importer, "my-api/models/user") == internal(
        "src/models/user.ts", "self-reference"
    )


def test_a_project_named_like_a_dependency_it_declares_imports_the_installed_one(tmp_path: Path) -> None:
    # a Hono app whose package.json is named "hono": `import { Hono } from 'hono'` is the framework, not
    # the project's own `main` (npm installs the dependency; a self-reference would be a cycle)
    files: dict[str, Content] = {
        "package.json": {"name": "hono", "main": "index.js", "dependencies": {"hono": "^4.0.0"}},
        "index.js": "",
        "src/index.js": "",
    }
    assert make_project(tmp_path, files).resolve("src/index.js", "hono") == external("hono")
    files["package.json"] = {"name": "hono", "main": "index.js"}  # no such dependency: itself
    assert make_project(tmp_path, files).resolve("src/index.js", "hono") == internal(
        "index.js", "self-reference"
    )


def test_undeclared_local_package_counts_unless_importer_wants_the_registry_one(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "package.json": {"name": "root", "dependencies": {"express": "^4.19.0"}},
            "src/app.js": "",
            "vendor/express/package.json": {"name": "express", "main": "index.js"},
            "vendor/express/index.js": "",
            "shared/package.json": {"name": "@app/shared", "main": "src/index.js"},
            "shared/src/index.js": "",
        },
    )
    assert resolver.resolve("src/app.js", "express") == external("express")
    assert resolver.resolve("src/app.js", "@app/shared") == internal("shared/src/index.js", "workspace")


def test_file_dependency_wires_local_package_under_its_alias(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "server/package.json": {"name": "server", "dependencies": {"common": "file:../lib/common-code"}},
            "server/index.js": "",
            "lib/common-code/package.json": {"name": "@internal/common-code", "main": "main.js"},
            "lib/common-code/main.js": "",
        },
    )
    assert resolver.resolve("server/index.js", "common") == internal("lib/common-code/main.js", "workspace")


def test_duplicate_workspace_names_are_reported(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "package.json": {"workspaces": ["a", "b"]},
            "a/package.json": {"name": "dup"},
            "a/index.js": "",
            "b/package.json": {"name": "dup"},
            "b/index.js": "",
            "main.js": "",
        },
    )
    assert resolver.resolve("main.js", "dup") == internal("a/index.js", "workspace")
    assert [path for path, _ in resolver.problems] == ["b/package.json"]


def test_paths_alias_miss_falls_through_to_workspace(tmp_path: Path) -> None:
    files = _monorepo({"package.json": {"workspaces": ["packages/*", "apps/*"]}})
    files["tsconfig.json"] = {"compilerOptions": {"paths": {"@acme/*": ["packages/*/lib"]}}}
    resolver = make_project(tmp_path, files)
    assert resolver.resolve("apps/api/src/main.ts", "@acme/shared") == internal(
        "packages/shared/src/index.ts", "workspace"
    )


def test_malformed_package_json_is_absent_and_reported(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {"package.json": '{"name": "x", "imports": {', "src/a.js": "", "src/b.js": ""},
    )
    assert resolver.resolve("src/a.js", "#b") == unresolved("#b", "package-imports")
    assert resolver.resolve("src/a.js", "./b") == internal("src/b.js", "relative")
    assert resolver.resolve("src/a.js", "lodash") == external("lodash")
    assert [path for path, _ in resolver.problems] == ["package.json"]


def test_malformed_pnpm_workspace_is_reported(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"pnpm-workspace.yaml": "packages: [unclosed\n", "a.js": ""})
    assert resolver.resolve("a.js", "lodash") == external("lodash")
    assert [path for path, _ in resolver.problems] == ["pnpm-workspace.yaml"]


# --- built-ins and external packages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("specifier", "package"),
    [
        ("fs", "fs"),
        ("node:fs", "fs"),
        ("fs/promises", "fs"),
        ("node:fs/promises", "fs"),
        ("stream/web", "stream"),
        ("path", "path"),
        ("worker_threads", "worker_threads"),
        ("node:test", "test"),
        ("node:sqlite", "sqlite"),
    ],
)
def test_builtins(tmp_path: Path, specifier: str, package: str) -> None:
    resolver = make_project(tmp_path, {"a.js": ""})
    assert resolver.resolve("a.js", specifier) == builtin(package)


def test_prefix_only_and_trailing_slash_are_npm_packages(tmp_path: Path) -> None:
    resolver = make_project(tmp_path, {"a.js": ""})
    assert resolver.resolve("a.js", "test") == external("test")
    assert resolver.resolve("a.js", "punycode/") == external("punycode")


@pytest.mark.parametrize(
    ("specifier", "package"),
    [
        ("lodash", "lodash"),
        ("lodash/fp", "lodash"),
        ("@nestjs/core", "@nestjs/core"),
        ("@nestjs/core/testing", "@nestjs/core"),
        ("sequelize?x=1", "sequelize"),
    ],
)
def test_external_packages(tmp_path: Path, specifier: str, package: str) -> None:
    resolver = make_project(tmp_path, {"src/a.ts": "", "package.json": {"name": "app"}})
    assert resolver.resolve("src/a.ts", specifier) == external(package)


# --- performance contract: the file list, not the disk; each manifest read once --------------------------


def test_existence_comes_from_the_file_list(tmp_path: Path) -> None:
    (tmp_path / "on_disk_only.ts").write_text("")
    resolver = NodeResolver(tmp_path, ["main.ts", "listed/only.ts"])
    assert resolver.resolve("main.ts", "./listed/only") == internal("listed/only.ts", "relative")
    assert resolver.resolve("main.ts", "./on_disk_only") == unresolved("./on_disk_only", "relative")


def test_manifests_are_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {"compilerOptions": {"paths": {"@/*": ["src/*"]}}},
            "package.json": {"name": "app", "imports": {"#x": "./src/x.ts"}},
            "src/x.ts": "",
            **{f"src/m{i}/f.ts": "" for i in range(5)},
        },
    )
    reads: list[str] = []
    original = manifests.read_regular  # every manifest the resolver reads goes through it

    def counting_read(path: Path, *args: object, **kwargs: object) -> bytes:
        reads.append(path.name)
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(manifests, "read_regular", counting_read)
    for i in range(5):
        assert resolver.resolve(f"src/m{i}/f.ts", "@/x").target == "src/x.ts"
        assert resolver.resolve(f"src/m{i}/f.ts", "#x").target == "src/x.ts"
        assert resolver.resolve(f"src/m{i}/f.ts", "zod").kind is TargetKind.EXTERNAL
    assert sorted(reads) == ["package.json", "tsconfig.json"]


def test_exports_naming_no_existing_file_fall_back_to_entry_and_subpath(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "package.json": {"workspaces": ["pkg"]},
            "pkg/package.json": {
                "name": "odd",
                "exports": {".": "./build-output/main.js", "./x": "./gen/x.js"},
            },
            "pkg/src/index.ts": "",
            "pkg/x.ts": "",
            "main.ts": "",
        },
    )
    assert resolver.resolve("main.ts", "odd") == internal("pkg/src/index.ts", "workspace")
    assert resolver.resolve("main.ts", "odd/x") == internal("pkg/x.ts", "workspace")


def test_paths_into_node_modules_are_not_aliases(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "tsconfig.json": {"compilerOptions": {"paths": {"react": ["./node_modules/@types/react"]}}},
            "main.ts": "",
        },
    )
    assert resolver.resolve("main.ts", "react") == external("react")


def test_self_reference_missing_subpath(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {"package.json": {"name": "svc", "exports": {"./*": "./src/*.js"}}, "src/a.ts": ""},
    )
    assert resolver.resolve("src/a.ts", "svc/nope") == unresolved("svc/nope", "self-reference")


def test_package_imports_to_builtin_with_node_scheme(tmp_path: Path) -> None:
    resolver = make_project(
        tmp_path,
        {
            "package.json": {"imports": {"#fs": {"node": "node:fs/promises", "default": "./fs-shim.js"}}},
            "a.js": "",
        },
    )
    assert resolver.resolve("a.js", "#fs") == builtin("fs")


def test_the_resolution_catalogue_is_consistent() -> None:
    """rules/node/resolution.toml: what a source or declaration maps to is itself probed, path protocols
    are local ones, and every workspace file is a manifest format the resolver reads."""
    rules = load_rules(NodeResolution)
    probed = set(rules.extensions)
    assert set(rules.sources_of_emitted) <= probed
    assert {".ts", ".tsx", ".d.ts"} <= {ext for exts in rules.sources_of_emitted.values() for ext in exts}
    assert set(rules.emitted_of_declaration.values()) <= probed
    assert set(rules.path_protocols) <= set(rules.local_protocols)
    assert rules.config_files[0] == "tsconfig.json"  # a tsconfig.json beats a jsconfig.json beside it
    assert set(rules.workspace_files) == {"pnpm-workspace.yaml", "lerna.json"}


def test_alias_prefixes_come_from_the_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = load_rules(NodeResolution)
    assert NodeResolver(tmp_path, ["main.ts"]).resolve("main.ts", "~/x") == unresolved(
        "~/x", "tsconfig-paths"
    )
    fewer = msgspec.structs.replace(rules, alias_prefixes=("@/",))
    original = specifiers.load_rules
    monkeypatch.setattr(
        specifiers, "load_rules", lambda record: fewer if record is NodeResolution else original(record)
    )
    resolution = NodeResolver(tmp_path, ["main.ts"]).resolve("main.ts", "~/x")
    assert resolution == Resolution(TargetKind.EXTERNAL, package="~", via="external")
