"""Patterns of the fifty-eighth and fifty-ninth held-out sets, JavaScript/TypeScript halves (issue 18,
docs/accuracy.md "Fifty-eighth and fifty-ninth sets, JavaScript/TypeScript halves: disagreements"), with
violating and clean projects written for the test:

- a module that makes, as it loads, the instance of its own store class whose constructor makes a `Map`
  (`export const storage = new MemStorage()`) keeps the app's records in memory: the persistence layer.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

EXPRESS_PACKAGE = '{"name": "notes", "main": "server/index.ts", "dependencies": {"express": "^4.21.0"}}'
ENTRY = """import express from "express";
import { registerRoutes } from "./routes";

const app = express();
app.use(express.json());
registerRoutes(app);
app.listen(5000);
"""
ROUTES = """import type { Express } from "express";
import { storage } from "./storage";

export function registerRoutes(app: Express) {
  app.get("/api/notes", async (_req, res) => {
    res.json(await storage.getNotes());
  });
  app.post("/api/notes", async (req, res) => {
    res.status(201).json(await storage.addNote(req.body.text));
  });
}
"""
STORAGE = """export interface IStorage {
  getNotes(): Promise<Note[]>;
  addNote(text: string): Promise<Note>;
}

type Note = { id: number; text: string };

export class MemoryNoteStorage implements IStorage {
  private notes: Map<number, Note>;
  private nextId: number;

  constructor() {
    this.notes = new Map();
    this.nextId = 1;
  }

  async getNotes(): Promise<Note[]> {
    return Array.from(this.notes.values());
  }

  async addNote(text: string): Promise<Note> {
    const note = { id: this.nextId++, text };
    this.notes.set(note.id, note);
    return note;
  }
}

export const storage = new MemoryNoteStorage();
"""


def _bypasses(report: dict[str, Any]) -> list[tuple[str, int]]:
    return [(f["file"], f["line"]) for f in report["findings"] if f["rule"] == "ARCH002"]


def _project(storage: str, routes: str = ROUTES, **more: str) -> dict[str, str]:
    files = {
        "package.json": EXPRESS_PACKAGE,
        "server/index.ts": ENTRY,
        "server/routes.ts": routes,
        "server/storage.ts": storage,
    }
    files.update(more)
    return files


def test_an_in_memory_store_instance_is_the_persistence_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _project(STORAGE))
    assert report["architecture"]["files"]["server/storage.ts"] == "repositories"
    assert _bypasses(report) == [("server/routes.ts", 2)]


def test_a_commonjs_in_memory_repository_is_one_too(make_project: MakeProject) -> None:
    store = """class InMemoryNoteRepository {
  constructor() {
    this.notes = new Map();
  }
  findAll() {
    return [...this.notes.values()];
  }
}

module.exports = new InMemoryNoteRepository();
"""
    routes = """const express = require("express");
const notes = require("./notes");

const router = express.Router();
router.get("/notes", (_req, res) => res.json(notes.findAll()));
module.exports = router;
"""
    entry = """const express = require("express");
const app = express();
app.use("/api", require("./routes"));
app.listen(3000);
"""
    files = {
        "package.json": EXPRESS_PACKAGE.replace("server/index.ts", "index.js"),
        "index.js": entry,
        "routes.js": routes,
        "notes.js": store,
    }
    report = inspect_json(make_project, files)
    assert report["architecture"]["files"]["notes.js"] == "repositories"
    assert _bypasses(report) == [("routes.js", 2)]


def test_a_cache_a_limiter_or_a_store_made_per_call_is_no_store(make_project: MakeProject) -> None:
    cache = """export class ResponseCache {
  private entries: Map<string, unknown>;
  constructor() {
    this.entries = new Map();
  }
  get(key: string) {
    return this.entries.get(key);
  }
}

export const cache = new ResponseCache();
"""
    limiter = """class MemoryStore {
  constructor() {
    this.hits = new Map();
  }
  increment(key) {
    this.hits.set(key, (this.hits.get(key) || 0) + 1);
  }
}

module.exports = new MemoryStore();
"""
    per_call = STORAGE.replace(
        "export const storage = new MemoryNoteStorage();",
        "export function makeStorage() {\n  return new MemoryNoteStorage();\n}\nexport const storage = makeStorage();",
    )
    routes = ROUTES.replace(
        'import { storage } from "./storage";',
        'import { storage } from "./storage";\nimport { cache } from "./cache";\nimport limiter from "./limiter";',
    )
    report = inspect_json(
        make_project, _project(per_call, routes, **{"server/cache.ts": cache, "server/limiter.js": limiter})
    )
    files = report["architecture"]["files"]
    assert "server/storage.ts" not in files
    assert "server/cache.ts" not in files
    assert "server/limiter.js" not in files
    assert _bypasses(report) == []


def test_a_service_keeping_its_records_in_a_map_stays_a_service(make_project: MakeProject) -> None:
    service = STORAGE.replace("MemoryNoteStorage", "NotesDatabase").replace(
        "async addNote(text: string): Promise<Note> {",
        'async addNote(text: string): Promise<Note> {\n    if (!text.trim()) throw new Error("empty note");',
    )
    routes = ROUTES.replace('"./storage"', '"./services/notes.service"')
    files = _project(STORAGE, routes, **{"server/services/notes.service.ts": service})
    del files["server/storage.ts"]
    report = inspect_json(make_project, files)
    assert report["architecture"]["files"]["server/services/notes.service.ts"] == "services"
    assert _bypasses(report) == []
