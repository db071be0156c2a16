"""`commands/` folders (issue 18): a boilerplate's command-line scripts (`commands/banner.ts` printing
`process.argv[2]`, `commands/tsconfig.ts` writing a file and calling `process.exit`, a `#!` script, a Python
file run under `if __name__ == "__main__":`) are scripts, in no layer; CQRS `commands/` (command handlers the
app imports, or running no program of their own) stay services. Violating and clean cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cdverify import inspect

Make = Callable[[dict[str, str | bytes]], Path]

PACKAGE = '{"dependencies": {"express": "4", "typeorm": "0.3", "chalk": "4", "figlet": "1"}}'
BANNER = """import chalk from 'chalk';
import * as figlet from 'figlet';

figlet.text(process.argv[2], (error: any, data: any) => {
    console.log(chalk.blue(data));
});
"""
TSCONFIG = """import * as fs from 'fs';

fs.writeFile('tsconfig.build.json', '{}', (err) => {
    if (err) {
        console.error(err);
        process.exit(1);
    }
});
"""
MIGRATE = "#!/usr/bin/env node\nconst { users } = require('../src/api/repositories/users');\nusers.seed();\n"
REPOSITORY = "export const users = { seed() {}, all() { return []; } };\n"
SERVICE = "import { createUser } from '../commands/create-user';\nexport const signUp = (n: string) => createUser(n);\n"
CQRS = "import { users } from '../repositories/users';\nexport const createUser = (name: string) => users.all();\n"
CONTROLLER = (
    "import { signUp } from '../services/users';\nexport const post = (req: any) => signUp(req.body.name);\n"
)


def _report(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = inspect(root, use_cache=False).to_json()["architecture"]
    return data


def test_command_line_scripts_in_a_commands_folder_are_in_no_layer(make_project: Make) -> None:
    root = make_project(
        {
            "package.json": PACKAGE,
            "commands/banner.ts": BANNER,
            "commands/tsconfig.ts": TSCONFIG,
            "commands/migrate.js": MIGRATE,
            "src/api/repositories/users.ts": REPOSITORY,
        }
    )
    architecture = _report(root)
    for script in ("commands/banner.ts", "commands/tsconfig.ts", "commands/migrate.js"):
        assert script not in architecture["files"]
        assert architecture["evidence"][script] == "command-line script"
    assert architecture["files"]["src/api/repositories/users.ts"] == "repositories"


def test_cqrs_commands_the_app_imports_or_running_no_program_stay_services(make_project: Make) -> None:
    # the command handler calls process.exit on a fatal error, but the service imports it: not a script
    fatal = CQRS + "export const stop = () => process.exit(1);\n"
    root = make_project(
        {
            "package.json": PACKAGE,
            "src/application/commands/create-user.ts": fatal,
            "src/application/commands/delete-user.ts": CQRS.replace("createUser", "deleteUser"),
            "src/application/services/users.ts": SERVICE,
            "src/application/repositories/users.ts": REPOSITORY,
            "src/application/controllers/users.ts": CONTROLLER,
        }
    )
    files = _report(root)["files"]
    assert files["src/application/commands/create-user.ts"] == "services"
    assert files["src/application/commands/delete-user.ts"] == "services"  # imported by nothing, no program


def test_a_program_outside_a_commands_folder_keeps_its_layer(make_project: Make) -> None:
    root = make_project({"package.json": PACKAGE, "src/services/worker.ts": TSCONFIG})
    assert _report(root)["files"]["src/services/worker.ts"] == "services"


def test_python_commands_run_as_main_are_scripts(make_project: Make) -> None:
    main = "import sys\n\n\ndef run(name):\n    print(name)\n\n\nif __name__ == '__main__':\n    run(sys.argv[1])\n"
    handler = "from app.repositories.users import save\n\n\ndef create_user(name):\n    return save(name)\n"
    root = make_project(
        {
            "requirements.txt": "flask\n",
            "app/__init__.py": "",
            "app/commands/__init__.py": "",
            "app/commands/cleanup.py": main,
            "app/commands/create_user.py": handler,
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": "def save(name):\n    return name\n",
        }
    )
    architecture = _report(root)
    assert "app/commands/cleanup.py" not in architecture["files"]
    assert architecture["evidence"]["app/commands/cleanup.py"] == "command-line script"
    assert architecture["files"]["app/commands/create_user.py"] == "services"
