"""The build hook that brings the Postman sandbox's npm packages into the wheel (hatch_build.py), and the rule
behind it: nothing written by others is committed to this repository."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
JS_DIR = REPO_ROOT / "cdverify" / "contract" / "js"


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cdverify_build_hook", REPO_ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _tarball(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _integrity(data: bytes) -> str:
    import base64
    import hashlib

    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _one_package_tree(tmp_path: Path, data: bytes, integrity: str) -> Path:
    """A js folder whose lock pins one package, `tiny` 1.0.0, with the given integrity."""
    js_dir = tmp_path / "js"
    js_dir.mkdir()
    manifest = {"name": "t", "private": True, "dependencies": {"tiny": "1.0.0"}}
    manifest["cdverifySandbox"] = {"modules": {"tiny": "tiny"}, "internal": {}}
    (js_dir / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
    lock = {
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "t"},
            "node_modules/tiny": {"version": "1.0.0", "integrity": integrity, "license": "MIT"},
        },
    }
    (js_dir / "package-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    return js_dir


def test_every_pinned_package_has_an_integrity_hash(hook: ModuleType) -> None:
    lock = json.loads((JS_DIR / "package-lock.json").read_text(encoding="utf-8"))
    packages = hook.pinned_packages(lock)
    assert len(packages) > 50
    assert all(package.integrity.startswith("sha512-") for package in packages)
    chai = next(package for package in packages if package.name == "chai")
    assert chai.url("https://registry.npmjs.org") == "https://registry.npmjs.org/chai/-/chai-4.4.1.tgz"
    faker = next(package for package in packages if package.name == "@faker-js/faker")
    assert faker.url("https://r.example/") == "https://r.example/@faker-js/faker/-/faker-5.5.3.tgz"


def test_offline_tarballs_build_and_prune_the_tree(
    hook: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _tarball(
        {
            "package.json": json.dumps({"name": "tiny", "version": "1.0.0", "main": "lib/index.js"}),
            "lib/index.js": "module.exports = require('./used');",
            "lib/used.js": "module.exports = 42;",
            "lib/unused.js": "module.exports = 0;",
            "test/big.js": "// tests are not shipped",
            "LICENSE": "MIT licence text",
        }
    )
    js_dir = _one_package_tree(tmp_path, data, _integrity(data))
    offline = tmp_path / "tarballs"
    offline.mkdir()
    (offline / "tiny-1.0.0.tgz").write_bytes(data)
    monkeypatch.setenv("CDVERIFY_NPM_TARBALLS", str(offline))
    tree = hook.build_node_modules(js_dir, log=lambda _: None)
    kept = sorted(str(path.relative_to(tree)) for path in tree.rglob("*") if path.is_file())
    assert "tiny/lib/index.js" in kept and "tiny/lib/used.js" in kept
    assert "tiny/lib/unused.js" not in kept and "tiny/test/big.js" not in kept
    assert "tiny/LICENSE" in kept and "tiny/package.json" in kept
    notice = (tree / "NOTICE").read_text(encoding="utf-8")
    assert (
        "tiny" in notice and "1.0.0" in notice and "MIT" in notice and "node_modules/tiny/LICENSE" in notice
    )


def test_a_tarball_that_does_not_match_its_hash_is_refused(
    hook: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    genuine = _tarball({"package.json": "{}", "index.js": "module.exports = 1;"})
    forged = _tarball({"package.json": "{}", "index.js": "module.exports = 'forged';"})
    js_dir = _one_package_tree(tmp_path, genuine, _integrity(genuine))
    offline = tmp_path / "tarballs"
    offline.mkdir()
    (offline / "tiny-1.0.0.tgz").write_bytes(forged)
    monkeypatch.setenv("CDVERIFY_NPM_TARBALLS", str(offline))
    with pytest.raises(hook.NpmFetchError, match="does not match"):
        hook.build_node_modules(js_dir, log=lambda _: None)
    assert not (js_dir / "node_modules").exists()


def test_an_unreachable_registry_is_a_clear_build_error(
    hook: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _tarball({"package.json": "{}", "index.js": ""})
    js_dir = _one_package_tree(tmp_path, data, _integrity(data))
    monkeypatch.delenv("CDVERIFY_NPM_TARBALLS", raising=False)
    monkeypatch.setenv("CDVERIFY_NPM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CDVERIFY_NPM_REGISTRY", "http://127.0.0.1:9")
    monkeypatch.setattr(hook.time, "sleep", lambda _: None)
    with pytest.raises(hook.NpmFetchError) as raised:
        hook.build_node_modules(js_dir, log=lambda _: None)
    message = str(raised.value)
    assert "tiny@1.0.0" in message and "http://127.0.0.1:9/tiny/-/tiny-1.0.0.tgz" in message
    assert "CDVERIFY_NPM_REGISTRY" in message and "CDVERIFY_NPM_TARBALLS" in message


def test_the_installed_tree_has_every_declared_package_and_its_notice() -> None:
    tree = JS_DIR / "node_modules"
    notice = (tree / "NOTICE").read_text(encoding="utf-8")
    declared = json.loads((JS_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for name, version in declared.items():
        manifest = json.loads((tree / name / "package.json").read_text(encoding="utf-8"))
        assert manifest["version"] == version, name
        assert any(line.split()[:2] == [name, version] for line in notice.splitlines()), name
    bundled = {path.parent for path in tree.rglob("package.json") if ".cdverify" not in path.name}
    listed = {line.split()[0] for line in notice.splitlines()[5:] if line.strip()}
    assert len(listed) >= len(declared)
    assert len(bundled) >= len(listed)


def test_no_third_party_code_is_committed() -> None:
    """Everything in the repository is written by this project; data sets are documented in docs/."""
    files = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert files, "not a git checkout"
    assert not [path for path in files if "node_modules/" in path or path.endswith((".min.js", ".bundle.js"))]
    licences = [
        path for path in files if Path(path).name.upper().startswith(("LICENSE", "LICENCE", "COPYING"))
    ]
    # our own licence, and the RealWorld data set's (MIT; docs/data-sets.md)
    assert sorted(licences) == [
        "LICENSE",
        "cdverify/contract/data/LICENSE.realworld.txt",
        "tests/data/realworld/LICENSE.realworld.txt",
    ]
