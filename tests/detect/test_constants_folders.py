"""A file named for a layer inside a folder of constants (issue 18): `constants/endpoints.js` exporting the
route paths as strings holds the routes' names, not their code, so its name gives it no layer; a router in
such a folder is still routes by its code, and a constants file below a layer folder still follows it."""

from __future__ import annotations

from reports import MakeProject, inspect_json, layers_of

PACKAGE = '{"name": "todos", "type": "module", "dependencies": {"koa": "^2.13.0", "koa-router": "^10.0.0"}}'
APP = """import Koa from 'koa'
import router from './controllers/todos.js'

const app = new Koa()
app.use(router.routes())
app.listen(3000)
"""
ENDPOINTS = """export const LIST_TODOS = '/todos'
export const ADD_TODO = '/addtodo'
"""
ROUTER = """import Router from 'koa-router'
import { LIST_TODOS, ADD_TODO } from '../constants/endpoints.js'

const router = new Router()
router.get(LIST_TODOS, (ctx) => { ctx.body = [] })
router.post(ADD_TODO, (ctx) => { ctx.status = 201 })
export default router
"""


def _project() -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "app.js": APP,
        "constants/endpoints.js": ENDPOINTS,
        "controllers/todos.js": ROUTER,
    }


def test_a_constants_file_named_for_a_layer_takes_no_layer(make_project: MakeProject) -> None:
    layers = layers_of(inspect_json(make_project, _project()))
    assert "constants/endpoints.js" not in layers
    assert layers["controllers/todos.js"] == "routes"


def test_a_file_so_named_outside_a_constants_folder_keeps_its_name(make_project: MakeProject) -> None:
    files = _project()
    files["shared/endpoints.js"] = files.pop("constants/endpoints.js")
    files["controllers/todos.js"] = ROUTER.replace("../constants/", "../shared/")
    assert layers_of(inspect_json(make_project, files))["shared/endpoints.js"] == "routes"


def test_a_router_in_a_constants_folder_is_routes_by_its_code(make_project: MakeProject) -> None:
    files = _project()
    files["constants/routes.js"] = files.pop("controllers/todos.js").replace("../constants/", "./")
    files["app.js"] = APP.replace("./controllers/todos.js", "./constants/routes.js")
    assert layers_of(inspect_json(make_project, files))["constants/routes.js"] == "routes"


def test_a_constants_folder_below_a_layer_folder_follows_it(make_project: MakeProject) -> None:
    files = _project()
    files["controllers/constants/endpoints.js"] = files.pop("constants/endpoints.js")
    files["controllers/todos.js"] = ROUTER.replace("../constants/", "./constants/")
    assert layers_of(inspect_json(make_project, files))["controllers/constants/endpoints.js"] == "routes"
