"""In-memory stores keeping records in arrays (docs/accuracy.md "The seventy-sixth and seventy-seventh sets'
disagreements"), with violating and clean projects written for the test:

- a store class whose array field its methods add to and look up (`private tasks: Task[] = []`,
  `this.tasks.push(…)`, `this.tasks.find(…)`), made once as its module loads (`export default new
  TaskStore()`), is the persistence layer; so is an `InMemory…Repository` class made by the composition root,
  and a module-level array a `store.ts` module's functions add to and look up.
- a registry, a store class made per call, a `Store` counting in a `Map`, or a module-level array in a module
  not named as a store, keeps no records of the app.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json

PACKAGE = '{"name": "tasks", "main": "src/server.ts", "dependencies": {"express": "^4.21.0"}}'
SERVER = """import express from "express";
import { tasks } from "./routes/tasks";

const app = express();
app.use(express.json());
app.use("/tasks", tasks);
app.listen(3000);
"""
ROUTES = """import { Router } from "express";
import store from "../data/taskStore";

export const tasks = Router();
tasks.get("/:id", (req, res) => res.json(store.byId(req.params.id)));
tasks.post("/", (req, res) => res.status(201).json(store.add(req.body.title)));
"""
STORE_CLASS = """type Task = { id: string; title: string };

class TaskStore {
  private tasks: Task[] = [];

  add(title: string): Task {
    const task = { id: String(this.tasks.length + 1), title };
    this.tasks.push(task);
    return task;
  }

  byId(id: string): Task | undefined {
    return this.tasks.find((task) => task.id === id);
  }
}

export default new TaskStore();
"""


def _bypasses(report: dict[str, Any]) -> list[tuple[str, int]]:
    return [(f["file"], f["line"]) for f in report["findings"] if f["rule"] == "ARCH002"]


def _project(store_path: str, store: str, routes: str = ROUTES, **more: str) -> dict[str, str]:
    files = {
        "package.json": PACKAGE,
        "src/server.ts": SERVER,
        "src/routes/tasks.ts": routes,
        store_path: store,
    }
    files.update(more)
    return files


def test_a_store_class_keeping_records_in_an_array_is_the_persistence_layer(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _project("src/data/taskStore.ts", STORE_CLASS))
    assert report["architecture"]["files"]["src/data/taskStore.ts"] == "repositories"
    assert _bypasses(report) == [("src/routes/tasks.ts", 2)]


def test_a_module_level_array_of_a_store_module_is_one_too(make_project: MakeProject) -> None:
    store = """type Task = { id: string; title: string };

let tasks: Task[] = [];

export function add(title: string): Task {
  const task = { id: String(tasks.length + 1), title };
  tasks.push(task);
  return task;
}

export function byId(id: string): Task | undefined {
  return tasks.find((task) => task.id === id);
}

export function reset(): void {
  tasks = [];
}
"""
    routes = ROUTES.replace('import store from "../data/taskStore";', 'import * as store from "../store";')
    report = inspect_json(make_project, _project("src/store.ts", store, routes))
    assert report["architecture"]["files"]["src/store.ts"] == "repositories"
    assert _bypasses(report) == [("src/routes/tasks.ts", 2)]


def test_an_in_memory_repository_made_by_the_composition_root_is_one_too(make_project: MakeProject) -> None:
    adapter = """type Task = { id: string; title: string };

export class InMemoryTaskRepository {
  private tasks: Task[] = [];

  async save(task: Task): Promise<void> {
    this.tasks.push(task);
  }

  async byId(id: string): Promise<Task | undefined> {
    return this.tasks.find((task) => task.id === id);
  }
}
"""
    server = """import express from "express";
import { InMemoryTaskRepository } from "./adapters/inmemory";

const app = express();
const tasks = new InMemoryTaskRepository();
app.get("/tasks/:id", async (req, res) => res.json(await tasks.byId(req.params.id)));
app.listen(3000);
"""
    files = {"package.json": PACKAGE, "src/server.ts": server, "src/adapters/inmemory.ts": adapter}
    report = inspect_json(make_project, files)
    assert report["architecture"]["files"]["src/adapters/inmemory.ts"] == "repositories"


def test_registries_counters_and_stores_made_per_call_keep_no_records(make_project: MakeProject) -> None:
    per_call = STORE_CLASS.replace(
        "export default new TaskStore();",
        "export default function makeStore() {\n  return new TaskStore();\n}",
    )
    registry = STORE_CLASS.replace("TaskStore", "SocketRegistry").replace("src/data", "src/realtime")
    counter = """class LimitStore {
  private hits = new Map<string, number>();
  hit(key: string): number {
    const count = (this.hits.get(key) ?? 0) + 1;
    this.hits.set(key, count);
    return count;
  }
}

export const limits = new LimitStore();
"""
    queue = """const jobs: string[] = [];

export function enqueue(job: string): void {
  jobs.push(job);
}

export function pending(name: string): boolean {
  return jobs.some((job) => job === name);
}
"""
    routes = ROUTES.replace(
        'import store from "../data/taskStore";',
        'import makeStore from "../tasks/taskStore";\nimport registry from "../realtime/sockets";\n'
        'import { limits } from "../middleware/limits";\nimport { enqueue } from "../jobs/queue";\n'
        "const store = makeStore();",
    )
    more = {
        "src/realtime/sockets.ts": registry,
        "src/middleware/limits.ts": counter,
        "src/jobs/queue.ts": queue,
    }
    report = inspect_json(make_project, _project("src/tasks/taskStore.ts", per_call, routes, **more))
    files = report["architecture"]["files"]
    for path in (
        "src/tasks/taskStore.ts",
        "src/realtime/sockets.ts",
        "src/middleware/limits.ts",
        "src/jobs/queue.ts",
    ):
        assert files.get(path) != "repositories", path
    assert _bypasses(report) == []
