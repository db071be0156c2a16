"""The web framework catalogue (rules/frameworks.toml): packages, apps, routers, route registration,
servers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from cdverify.rules_schema.base import Record, Strings, table

# -- frameworks.toml --------------------------------------------------------------------------------


class Framework(Record, frozen=True):
    """How one web framework is recognised and how its apps, routers and routes are written."""

    packages: Strings
    paper: bool = False  # one of the paper's frameworks (a value of the `framework` constraint)
    implied_by: Strings = ()
    # its routes are served by the frameworks it is implied by (routing-controllers' decorators by Express or
    # Koa): alone, with no app of theirs, it serves nothing
    routes_only: bool = False
    apps: Strings = ()
    # traced types of the app object (`fastify.FastifyInstance`): a module importing only these (and the
    # app constructors) of the framework types the app it works on and handles no requests
    app_types: Strings = ()
    routers: Strings = ()
    routes: Mapping[str, str] = table()  # method on an app / router → HTTP method (`*`: any)
    route_calls: Mapping[str, str] = table()  # traced function → HTTP method
    prefix: Strings = ()
    mounts: Strings = ()
    listen: Strings = ()
    path_arg: Mapping[str, int] = table()
    method_arg: Mapping[str, int] = table()
    app_prefix: Strings = ()
    nested_apps: bool = False
    chained: Strings = ()
    # methods, also `chained`, returning a router under the prefix given first (koa-tree-router `newGroup`)
    groups: Strings = ()
    plugin_mounts: bool = False
    autoload: Strings = ()
    plugin_wrappers: Strings = ()
    unwrap: Strings = ()
    controllers: Strings = ()
    route_paths: Strings = ()
    route_tables: Strings = ()  # attributes of an app that hold its routes (aiohttp `app.router.add_get`)
    relative_paths: bool = False  # route and mount paths are written without a leading `/` (Django)
    url_includes: Strings = ()  # words of a call in a route's view that make it a mount (`include(…)`)
    # attributes that hold an object's URL configuration: a route whose view is one mounts it (`api.urls`)
    url_attributes: Strings = ()
    chained_paths: bool = False  # a route method chained on a route with no path of its own takes its path
    named_routes: bool = False  # route methods may take a route name before the path (koa-router)
    # a route's handler may take the request alone and answer with what it returns (Fastify's `async
    # (request) => rows`): the one parameter an inline handler hands on is the request, not a context
    # the reply is written on (Koa's `ctx`)
    returned_replies: bool = False
    mount_calls: Strings = ()  # traced functions mounting routes under their first argument (`Mount(…)`)
    # mount method → the keyword giving its prefix besides `prefix` (`add_namespace(ns, path=…)`)
    mount_keys: Mapping[str, str] = table()
    # router constructor → the keyword giving its own prefix besides `prefix` (`Namespace(…, path=…)`)
    router_keys: Mapping[str, str] = table()
    named_routers: Strings = ()  # routers whose own prefix is `/` and their name when none is given
    replacing_mounts: Strings = ()  # mounts whose prefix, when given, replaces the mounted router's own
    attached_routers: Strings = ()  # routers built on the app or blueprint given first (`Api(bp)`)
    attach_methods: Strings = ()  # router methods attaching it to the app or blueprint given first
    merge_mounts: Strings = ()  # methods mounting a router's routes as they are, no prefix (`add_routes`)
    route_configs: Mapping[str, str] = table()  # traced route-config builder → the route method taking it
    handlers: Strings = ()  # methods of an app / router registering request handlers that are no route
    # keywords of a route method that give its handler (Flask's `add_url_rule(rule, view_func=…)`)
    handler_keys: Strings = ()
    # traced names, and the modules under them, of the framework that handle no request: the running app's
    # context (`flask.g`, `flask.current_app`), the ORM it bundles (`django.db`)
    no_request: Strings = ()
    # modules of the framework's packages, and those under them, that are no part of its web layer (Django's
    # ORM, settings, exceptions, text and time utilities): a service importing them is no ARCH003
    not_web: Strings = ()
    # the framework's response builders (`flask.jsonify`): a module importing only these of it and opening
    # the connection itself is a connection module handing back responses, not a request handler
    responses: Strings = ()
    # the framework's HTTP error classes (`aiohttp.web.HTTPNotFound`, `fastapi.HTTPException`; a trailing `*`
    # stands for any rest of the name): a module importing only these of it (with `no_request`) raises
    # errors the framework turns into responses but reads no request; its code decides its role (a
    # data-access class raising `HTTPNotFound` when a row is missing is data access)
    http_errors: Strings = ()
    # the framework's dependency-injection markers (`fastapi.Depends`): a module importing only these of it
    # declares what a handler is given and reads no request itself
    injection: Strings = ()
    # traced names, and the names under them, of the framework's app configuration (Django's `AppConfig`, its
    # admin site): a module importing only these (and `no_request` names) of the framework, whose classes all
    # extend them and whose code shows no role, configures the app: it is in no layer
    configuration: Strings = ()
    # the module names the framework reads that configuration from (`apps`, `admin`: `apps.py`, `admin/`)
    configuration_modules: Strings = ()
    # traced calls making a typed key of the app's state (aiohttp's `web.AppKey("db", Pool)`): a module whose
    # every call makes one, binding no other name, holds the keys every layer reads: it is in no layer
    state_keys: Strings = ()
    # traced calls a stand-alone program makes at module level to boot the framework itself (`django.setup`):
    # a module making one is a script, not part of the app the framework runs (detect/layers/app_tools.py)
    boots: Strings = ()


class Conventions(Record, frozen=True):
    """Names a route, a listen call or a prefix is read by, whatever the framework."""

    port_keywords: Strings  # keyword / option giving the port of a listen call
    port_constants: Strings  # words of a constant that may be the port when no listen call gives one
    other_ports: Strings  # words of a port setting that is not the web server's (`DB_PORT`)
    path_keywords: Strings  # keyword / option giving a route's path (`url:`, `path=`)
    method_keywords: Strings  # keyword / option giving a route's HTTP methods (`methods=[…]`)
    prefix_words: Strings  # words of a name that may hold a prefix (`API_PREFIX`, `config.basePath`)


class Flag(Record, frozen=True):
    """A boolean option and the value it has when not written."""

    option: str
    default: bool


class Autoload(Record, frozen=True):
    """How a folder-loading plugin (@fastify/autoload, a framework's `autoload` packages) is configured
    and which files it loads."""

    dir: str  # the option naming the folder
    options: str  # the option holding what each plugin is handed
    prefix: str  # the key of `options` that prefixes every plugin (plugins read it as `opts.prefix`)
    folder_names: Flag  # folder paths are prefixes
    route_params: Flag  # `_id` folders are `:id` parameters
    encapsulate: Flag  # plugins are encapsulated, so that their prefix applies
    plugin_prefix: str  # a plugin's own prefix, instead of its folder path
    plugin_override: str  # a plugin's prefix, instead of everything
    scripts: Strings  # file extensions it loads
    skipped: Strings  # file endings it never loads (type declarations)
    index: str  # the file name that, when a folder has one, is the only one loaded there
    hooks: str  # pattern of the hook files it never loads as plugins (any case)


class Frameworks(Record, frozen=True):
    FILE: ClassVar[str] = "frameworks"
    python: Mapping[str, Framework]
    node: Mapping[str, Framework]
    servers: Mapping[str, Strings]  # family → programs that serve an app
    server_methods: Mapping[str, Strings]  # family → methods that start a server on any object
    conventions: Conventions
    autoload: Autoload
    # family → packages of Model Context Protocol SDKs: a module importing one serves an agent's tools
    tool_servers: Mapping[str, Strings] = table()

    def family(self, family: str) -> Mapping[str, Framework]:
        return self.python if family == "python" else self.node
