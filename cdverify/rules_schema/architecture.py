"""Architecture presets (rules/architecture/<preset>.toml): the layers, the allowed bypasses, the
layers by role.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from cdverify.rules_schema.base import Record, Strings, table

# -- architecture/<preset>.toml ---------------------------------------------------------------------


class PresetLayer(Record, frozen=True):
    title: str
    directories: Strings
    file_suffixes: Strings


class Bypass(Record, frozen=True):
    source: str = msgspec.field(name="from")
    to: str


class LayerRoles(Record, frozen=True):  # layers by role (detect/layers/roles.py)
    layers: Mapping[str, str]  # role (routes, models, queries, services) → the layer it puts a file in
    clients: Mapping[str, Strings]  # family → traced calls opening a connection, pool, session or client
    tables: Mapping[str, Strings]  # family → traced calls defining a mapped table
    # family → traced decorators / calls declaring a request handler outside route tables (GraphQL resolvers)
    handlers: Mapping[str, Strings] = table()
    # family → traced calls making the base of mapped models (`declarative_base()`): a module that assigns
    # one and uses no client is the models layer
    bases: Mapping[str, Strings] = table()
    # family → traced calls storing a value on the app instance for the handlers (`fastify().decorate`): a
    # module storing a client there (made here or taken from a data-access module) owns the connection
    stores: Mapping[str, Strings] = table()
    # family → {plugin (traced) → the name it decorates the app with}: Fastify plugins registering a
    # database client on the instance (`fastify.register(require("@fastify/postgres"), …)`, then
    # `fastify.pg.query(…)`); a module registering one stores a client, one taking `db = fastify.pg` holds it
    client_plugins: Mapping[str, Mapping[str, str]] = table()
    # folders holding command-line scripts as often as CQRS commands: a program no project file imports is
    # a script there, in no layer
    script_directories: Strings = ()
    # family → routes-layer folders that hold the business logic the handlers call as often as the handlers
    # (`controllers/`): a module there whose code handles no request, that a request handler imports, is a
    # use case (services)
    business_folders: Mapping[str, Strings] = table()
    # family → traced calls running a project's migrations (`new Postgrator(…)`, `new Umzug(…)`): a program at
    # the project's top calling one, that no project file imports, is a script, in no layer
    migration_runners: Mapping[str, Strings] = table()
    # family → traced calls starting a long-running consumer of a job queue or message broker (BullMQ's
    # `new Worker("emails", processor)`): a program a package.json script runs that calls one is a worker
    # process of the application, serving the jobs the app enqueues, not a command-line script
    job_consumers: Mapping[str, Strings] = table()
    # family → methods of a client that create the tables of the defined models (`sequelize.sync()`): a call
    # of one reads or writes no row, so it is no query
    schema_syncs: Mapping[str, Strings] = table()
    # family → methods of a client that hand out the repository of one entity (TypeORM's `getRepository`):
    # a call of one whose result is handed straight to a project function (`newNoteRepository(
    # dataSource.getRepository(NoteTable))`) wires the project's repository, and is no query
    repository_getters: Mapping[str, Strings] = table()
    # family → attributes of a project's mapped model through which it runs queries (`User.objects.filter`,
    # Flask-SQLAlchemy's `Post.query.filter_by`): a module calling one is data access
    model_queries: Mapping[str, Strings] = table()
    # family → the query methods of a mapped model class itself (Sequelize's `User.findAll`, Mongoose's
    # `User.findById`): a module calling one on a model another project module defines is data access
    model_methods: Mapping[str, Strings] = table()
    # family → traced handles of an ORM's global session and model query property (Flask-SQLAlchemy's
    # `db.session`, `Model.query`): a module whose path names no layer and whose every function runs a query
    # through one of them is data access
    handle_queries: Mapping[str, Strings] = table()
    # family → methods of a session that run a query on the mapped model they are handed (SQLAlchemy's
    # `session.query(User)`): a module calling one with a model of another project module runs the query
    session_queries: Mapping[str, Strings] = table()
    # family → a query library's statement constructors (SQLAlchemy's `select`, `insert`): a module calling
    # one in its functions on the tables of a project models module runs queries on a connection handed in
    statements: Mapping[str, Strings] = table()
    # family → the calls of a file-backed store (`[roles.file_stores]`): `reads` of a file, `writes` of one
    # and `parses` of its data (`fs.readFileSync`, `fs.writeFileSync`, `JSON.parse`); a module calling one
    # of each keeps the app's records in a data file: data access
    file_stores: Mapping[str, Mapping[str, Strings]] = table()
    # family → an in-memory store (`[roles.memory_stores]`): the `collections` its constructor makes (`Map`)
    # and the `class_suffixes` naming a store class (`MemStorage`); a module making one as it loads keeps the
    # app's records in memory: data access
    memory_stores: Mapping[str, Mapping[str, Strings]] = table()
    # folder name → the layer it is when it sits beside folders of two other layers (a hexagonal `app/`
    # next to `domain/` and `adapters/`: the application layer); elsewhere it names no layer
    beside_layers: Mapping[str, str] = table()
    # folder name → the name of a sibling layer folder whose layer it takes (`queries = "commands"`: the
    # query side of CQRS beside its command side)
    beside_folders: Mapping[str, str] = table()
    # layer folder name → the parent folder names inside which it names no layer (`adapters/` of routes,
    # but `outbound/adapters/` holds driven adapters: clocks, hashers, session wrappers)
    not_inside: Mapping[str, Strings] = table()
    # layer folder name → the child folder names below which it names no layer (`adapters/outbound/`: the
    # driven side of a ports-and-adapters app, as `outbound/adapters/`)
    not_above: Mapping[str, Strings] = table()
    # folders of helpers: a folder below one (`utils/http/`) names the helpers' topic, not a layer
    helper_directories: Strings = ()
    # folders of constants: a file there named for a layer (`constants/endpoints.js` of path strings) holds
    # that layer's names, not its code: its name gives it no layer (its code, or a layer folder above, does)
    constant_directories: Strings = ()
    # first dotted words of the file names of logging modules (`logger.js`, `logger.service.ts`): logging
    # serves every layer, so such a module whose code shows no role takes none from its folder or name
    logging_names: Strings = ()
    # first dotted words of the file names of settings modules (`config.ts`, `config/index.ts`): the app's
    # configuration serves every layer, so such a module whose code shows no role takes none from its folder
    settings_names: Strings = ()
    # family → the modules of an ORM's column builders (`drizzle-orm/pg-core`): a module calling only them,
    # that a models module imports, holds column sets the tables spread in (`...timestamps`): models
    column_modules: Mapping[str, Strings] = table()
    # family → traced calls a column set may make besides the builders: a column's default written as SQL
    # (drizzle-orm's `sql` tag in `.default(sql`NULL`)`)
    column_defaults: Mapping[str, Strings] = table()
    # family → traced calls registering a project's parts with a dependency-injection container (awilix's
    # `asFunction`, `asValue`): a module calling one and only building what it imports wires the app
    registrations: Mapping[str, Strings] = table()
    # family → serverless runtimes' packages (`@netlify/functions`): a module importing one (its handler types
    # too) and exporting a handler answers requests itself
    serverless_handlers: Mapping[str, Strings] = table()
    # PascalCase last words naming a layer's class in a class-per-file name (`BaseController.ts`)
    class_suffixes: Strings = ()
    # PascalCase last words naming a data layer's class only where the file's code runs queries
    # (`Services/StudentModel.ts`), as `Model` does not where the code says nothing (`LanguageModel.ts`)
    data_class_suffixes: Strings = ()
    # first dotted words of file names that name the database itself (`database.ts`, `migrator.ts`): such a
    # file in a services folder whose code runs queries is data access, as one named by a data class word
    data_file_names: Strings = ()
    # first words of compound file names that name the database or its engine (`postgresql` of
    # `postgresql_executor.py`, `supabase` of `supabaseClient.ts`): such a file is named for the database as
    # one of `data_file_names` is
    data_file_prefixes: Strings = ()
    # first words of compound folder names that name the database's part of a layer (`db` of `db-stores/`):
    # such a folder names the layer of the folder name after the word
    data_folder_prefixes: Strings = ()
    # words a dotted file name may add after its layer word: the technology or the implementation of that
    # layer (`user.repository.drizzle.ts`, `user.repository.impl.ts`)
    implementation_words: Strings = ()


class ArchitecturePreset(Record, frozen=True):
    name: str
    order: Strings  # highest layer first
    layers: Mapping[str, PresetLayer]
    required: Strings | None = None  # None: every layer of `order`
    abstraction_directories: Strings = ()
    bypass: tuple[Bypass, ...] = ()
    roles: LayerRoles | None = None  # None: layers by folder and file name only
