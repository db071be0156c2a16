"""A CSV file store (issue 18, the eighty-fifth set): Replit Agent replaced TeamManage's database storage with a
`CSVStorage` reading each table with `fs.createReadStream(file).pipe(csv())` (csv-parser) and writing it back with
csv-writer's `createObjectCsvWriter(…).writeRecords(rows)`; the file-store rule knew JSON files only. A module only
streaming a CSV file to the client reads no record."""

from __future__ import annotations

from reports import MakeProject, inspect_json

PACKAGE = """{"name": "c", "type": "module", "dependencies": {"express": "4", "csv-parser": "3", "csv-writer": "1"}}"""
INDEX = """import express from "express";
import { registerRoutes } from "./routes.js";

const app = express();
registerRoutes(app);
app.listen(5000);
"""
ROUTES = """import { csvStorage } from "./csvStorage.js";

export function registerRoutes(app) {
  app.get("/api/tasks", async (req, res) => res.json(await csvStorage.getTasks()));
  app.post("/api/tasks", async (req, res) => res.json(await csvStorage.addTask(req.body)));
}
"""
STORE = """import fs from "fs";
import csv from "csv-parser";
import { createObjectCsvWriter } from "csv-writer";

const FILE = "data/tasks.csv";

export class CSVStorage {
  readAll() {
    return new Promise((resolve) => {
      const rows = [];
      fs.createReadStream(FILE).pipe(csv()).on("data", (row) => rows.push(row)).on("end", () => resolve(rows));
    });
  }
  async getTasks() { return this.readAll(); }
  async addTask(task) {
    const rows = [...(await this.readAll()), task];
    const writer = createObjectCsvWriter({ path: FILE, header: [{ id: "title", title: "title" }] });
    await writer.writeRecords(rows);
    return task;
  }
}

export const csvStorage = new CSVStorage();
"""
DOWNLOAD = """import fs from "fs";

export class CSVStorage {
  stream(res) { fs.createReadStream("data/export.csv").pipe(res); }
  async getTasks() { return []; }
  async addTask(task) { return task; }
}

export const csvStorage = new CSVStorage();
"""


def _report(make_project: MakeProject, store: str) -> dict:  # type: ignore[type-arg]
    files = {
        "package.json": PACKAGE,
        "src/index.js": INDEX,
        "src/routes.js": ROUTES,
        "src/csvStorage.js": store,
    }
    return inspect_json(make_project, files)


def test_a_csv_file_store_is_data_access(make_project: MakeProject) -> None:
    architecture = _report(make_project, STORE)["architecture"]
    assert architecture["files"]["src/csvStorage.js"] == "repositories"


def test_a_module_streaming_a_csv_file_is_no_store(make_project: MakeProject) -> None:
    architecture = _report(make_project, DOWNLOAD)["architecture"]
    assert architecture["files"].get("src/csvStorage.js", "none") != "repositories"
