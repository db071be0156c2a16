"""A module whose path names no layer that runs queries through a mapped model class's own methods
(`PlayerModel.findAll()`, `User.findById(id)` on a model another project module defines: `[roles.model_methods]`)
is data access (issue 18, nanotaboada/ts-node-samples-express-restful `src/database/player-database.ts`). Where the
path names a layer (a `*.controller.js` querying inline, a `models/` module calling another model), it keeps its
path's say."""

from __future__ import annotations

from reports import MakeProject, inspect_json

PACKAGE = '{"name": "players", "type": "module", "dependencies": {"express": "4", "sequelize": "6", "sqlite3": "5"}}'
SEQUELIZE = """import { Sequelize } from 'sequelize';
export default new Sequelize({ dialect: 'sqlite', storage: 'players.db' });
"""
MODEL = """import { Model, DataTypes } from 'sequelize';
import sequelize from '../database/sequelize.js';

export default class PlayerModel extends Model {}
PlayerModel.init({ name: DataTypes.STRING }, { sequelize, tableName: 'players' });
"""
STORE = """import PlayerModel from '../models/player-model.js';

export default class PlayerDatabase {
  async selectAll() { return PlayerModel.findAll(); }
  async selectById(id) { return PlayerModel.findByPk(id); }
  async insert(player) { await PlayerModel.create(player); }
}
"""
APP = """import express from 'express';
import PlayerDatabase from './database/player-database.js';

const app = express();
const players = new PlayerDatabase();
app.get('/api/players', async (req, res) => res.json(await players.selectAll()));
app.listen(3000);
"""


def _layers(make_project: MakeProject, **more: str) -> dict[str, str]:
    files = {
        "package.json": PACKAGE,
        "src/database/sequelize.js": SEQUELIZE,
        "src/models/player-model.js": MODEL,
        "src/database/player-database.js": STORE,
        "src/app.js": APP,
        **more,
    }
    files = {name: text for name, text in files.items() if text}
    layers: dict[str, str] = inspect_json(make_project, files)["architecture"]["files"]
    return layers


def test_a_store_calling_a_models_finders_is_data_access(make_project: MakeProject) -> None:
    assert _layers(make_project)["src/database/player-database.js"] == "repositories"


def test_a_controller_or_a_model_module_calling_a_model_keeps_its_paths_say(
    make_project: MakeProject,
) -> None:
    controller = STORE.replace("export default class PlayerDatabase", "export default class PlayerController")
    team = MODEL.replace("PlayerModel", "TeamModel").replace("'players'", "'teams'") + (
        "import PlayerModel from './player-model.js';\n"
        "export async function roster(id) { return PlayerModel.findAll({ where: { teamId: id } }); }\n"
    )
    layers = _layers(
        make_project,
        **{
            "src/database/player-database.js": "",
            "src/players/player.controller.js": controller,
            "src/models/team-model.js": team,
            "src/app.js": APP.replace("./database/player-database.js", "./players/player.controller.js"),
        },
    )
    assert layers["src/players/player.controller.js"] == "routes"
    assert layers["src/models/team-model.js"] == "models"


def test_a_method_called_on_no_model_shows_nothing(make_project: MakeProject) -> None:
    helpers = "export default { findAll: () => [], create: (x) => x };\n"
    store = STORE.replace("../models/player-model.js", "../lib/cache.js")
    layers = _layers(make_project, **{"src/lib/cache.js": helpers, "src/database/player-database.js": store})
    assert "src/database/player-database.js" not in layers
