"""Patterns of the fifty-sixth unseen set (issue 18, docs/accuracy.md "Fifty-sixth set: disagreements"):
a faker-built record factory named for mocks beside its entity (`domain/entities/project.mock.ts`), imported
only by tests, is test support, not the models layer; the same module imported by the application, or a
module whose name only contains the word inside another (`mockingbird.ts`), keeps its scope. Small projects
written for the tests."""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layers_of as _layers

PACKAGE = """{"name": "todo", "type": "module", "dependencies": {"hono": "4", "@hono/node-server": "1"},
"devDependencies": {"vitest": "3", "@faker-js/faker": "9"}}"""
ENTITY = """export type Project = { id: number; name: string; createdAt: Date };

export function projectName(project: Project): string {
  return project.name.trim();
}
"""
MOCK = """import { faker } from "@faker-js/faker";
import type { Project } from "./project";

export const createRandomProject = (overrides: Partial<Project> = {}): Project => ({
  id: faker.number.int({ min: 1, max: 1000 }),
  name: faker.company.name(),
  createdAt: faker.date.past(),
  ...overrides,
});
"""
ROUTES = """import { Hono } from "hono";
import { projectName, type Project } from "../domain/entities/project";

const projects: Project[] = [];
export const projectRoutes = new Hono();
projectRoutes.get("/projects", (c) => c.json(projects.map(projectName)));
"""
ENTRY = """import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { projectRoutes } from "./presentation/projects";

const app = new Hono();
app.route("/api", projectRoutes);
serve({ fetch: app.fetch, port: 3000 });
"""
TEST = """import { describe, expect, it } from "vitest";
import { createRandomProject } from "../domain/entities/project.mock";
import { projectName } from "../domain/entities/project";

describe("projectName", () => {
  it("trims", () => {
    expect(projectName(createRandomProject({ name: " a " }))).toBe("a");
  });
});
"""


def _files(mock_name: str = "project.mock.ts") -> dict[str, str | bytes]:
    stem = mock_name.rsplit(".", 1)[0]
    return {
        "package.json": PACKAGE,
        "src/index.ts": ENTRY,
        "src/presentation/projects.ts": ROUTES,
        "src/domain/entities/project.ts": ENTITY,
        f"src/domain/entities/{mock_name}": MOCK,
        "src/tests/project.test.ts": TEST.replace("project.mock", stem),
    }


def test_a_mock_factory_only_tests_import_is_test_support(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _files())
    assert "src/domain/entities/project.mock.ts" not in _layers(report)
    assert _layers(report)["src/domain/entities/project.ts"] == "models"


def test_a_mock_factory_the_application_imports_keeps_its_scope(make_project: MakeProject) -> None:
    files = _files()
    files["src/presentation/projects.ts"] = ROUTES.replace(
        "const projects: Project[] = [];",
        'import { createRandomProject } from "../domain/entities/project.mock";\n\n'
        "const projects: Project[] = [createRandomProject()];",
    )
    report = inspect_json(make_project, files)
    assert _layers(report)["src/domain/entities/project.mock.ts"] == "models"


def test_a_name_holding_the_word_inside_another_keeps_its_scope(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _files("mockingbird.ts"))
    assert _layers(report)["src/domain/entities/mockingbird.ts"] == "models"
