"""A Node dependency-injection container found by probing whole paper-task verdicts (issue 18, docs/accuracy.md
"Whole paper-task verdicts probed (session 2026-12-06 (11))"): `src/container.ts` builds the repository, the
service and the controller (`export const profileController = new ProfileController(new ProfileService(…))`) and
the routes register `profileController.get`. The handler is the controller class's method, so the class's module
holds it; the container only constructs and is in no layer (no ARCH002 for its repository import). A module that
declares its controller class itself, builds it with a repository and exports the instance handles the requests:
its repository import stays a bypass.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, check, layers_of

PACKAGE = (
    '{"name": "profiles", "type": "module", "dependencies": {"express": "^4.19.2", "pg": "^8.11.5"},'
    ' "devDependencies": {"typescript": "^5.4.5"}}\n'
)
MODEL = """export interface Profile {
  username: string;
}
"""
REPOSITORY = """import pg from "pg";
import type { Profile } from "../models/Profile.js";

const pool = new pg.Pool({ host: "postgres", user: "user", password: "password", database: "conduit" });

export class ProfileRepository {
  async find(username: string): Promise<Profile | null> {
    const { rows } = await pool.query("SELECT username FROM profiles WHERE username = $1", [username]);
    return rows[0] ?? null;
  }
}
"""
SERVICE = """import { ProfileRepository } from "../repositories/ProfileRepository.js";

export class ProfileService {
  constructor(private readonly profiles: ProfileRepository) {}

  get(username: string) {
    return this.profiles.find(username);
  }
}
"""
CONTROLLER = """import type { Request, Response } from "express";
import { ProfileService } from "../services/ProfileService.js";

export class ProfileController {
  constructor(private readonly service: ProfileService) {}

  get = async (req: Request, res: Response) => {
    res.json({ profile: await this.service.get(req.params.username) });
  };
}
"""
CONTAINER = """import { ProfileController } from "./controllers/ProfileController.js";
import { ProfileRepository } from "./repositories/ProfileRepository.js";
import { ProfileService } from "./services/ProfileService.js";

const profileRepository = new ProfileRepository();
const profileService = new ProfileService(profileRepository);

export const profileController = new ProfileController(profileService);
"""
# the controller declared here, built with the repository: this module's methods answer the requests
OWN_CONTROLLER = """import type { Request, Response } from "express";
import { ProfileRepository } from "./repositories/ProfileRepository.js";

class ProfileController {
  constructor(private readonly profiles: ProfileRepository) {}

  get = async (req: Request, res: Response) => {
    res.json({ profile: await this.profiles.find(req.params.username) });
  };
}

export const profileController = new ProfileController(new ProfileRepository());
"""
ROUTES = """import { Router } from "express";
import { profileController } from "../container.js";

export const router = Router();

router.get("/health-check", (_req, res) => {
  res.status(200).json({ status: "ok" });
});
router.get("/profiles/:username", profileController.get);
"""
SERVER = """import express from "express";
import { router } from "./routes/index.js";

const app = express();
app.use("/api", router);
app.listen(Number(process.env.PORT ?? 3000));
"""


def _project(container: str) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "src/models/Profile.ts": MODEL,
        "src/repositories/ProfileRepository.ts": REPOSITORY,
        "src/services/ProfileService.ts": SERVICE,
        "src/controllers/ProfileController.ts": CONTROLLER,
        "src/container.ts": container,
        "src/routes/index.ts": ROUTES,
        "src/server.ts": SERVER,
    }


def _errors(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["rule"], f["file"]) for f in report["findings"] if f["severity"] == "error"]


def test_a_container_exporting_an_instance_of_an_imported_controller_is_in_no_layer(
    make_project: MakeProject,
) -> None:
    report = check(make_project, _project(CONTAINER), "express+clean_architecture")
    assert "src/container.ts" not in layers_of(report)
    assert layers_of(report)["src/controllers/ProfileController.ts"] == "routes"
    assert _errors(report) == []


def test_a_module_exporting_an_instance_of_its_own_controller_class_still_bypasses(
    make_project: MakeProject,
) -> None:
    report = check(make_project, _project(OWN_CONTROLLER), "express+clean_architecture")
    assert layers_of(report)["src/container.ts"] == "routes"
    assert _errors(report) == [("ARCH002", "src/container.ts")]
