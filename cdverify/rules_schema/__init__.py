"""The schema of every rule catalogue in `rules/`: one frozen record per file (or per table of a file),
one module per catalogue (or family of catalogues).

These records are the schema itself: `cdverify.typed_toml` checks each TOML file against its record
(a field's name is the key, its annotation the type, a default makes it optional) and rejects unknown
keys and wrong types with the file and the line. `FILES` and `schema_of` say which record a file is
read as; a file in `rules/` with no entry here is an error. docs/catalogues.md explains every key in
prose (tests/docs/test_catalogue_docs.py fails while one is undocumented).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cdverify.rules_schema.architecture import (
    ArchitecturePreset,
    Bypass,
    LayerRoles,
    PresetLayer,
)
from cdverify.rules_schema.base import Strings, table
from cdverify.rules_schema.database import (
    ConfigFlag,
    ConfigGetter,
    ConfigKeys,
    ConnectingPlugin,
    Connection,
    Connections,
    Engine,
    Engines,
    EnvExampleLoader,
    EnvFileFlag,
    EnvJsonSchema,
    EnvOptions,
    EnvSchema,
    FileUrls,
    HintStack,
    HintStacks,
    ImageNames,
    JsonSchemaBuilder,
    MemoryMarkers,
    PaperRuntimeFile,
    PathMaker,
    PluginRunner,
    RequiredOption,
    RequiredRead,
    SchemaStep,
    ServerEngine,
    SettingsClass,
    SettingsFiles,
    SettingsSource,
    SqlAlchemyUrls,
    SqliteEngine,
    SqliteFile,
    StartupFile,
    StartupHook,
    StartupRead,
    TemplateDefault,
    WorkerRuntime,
)
from cdverify.rules_schema.findings import (
    FindingRule,
)
from cdverify.rules_schema.frameworks import (
    Autoload,
    Conventions,
    Flag,
    Framework,
    Frameworks,
)
from cdverify.rules_schema.manifests import (
    DependencyTables,
    ManifestFile,
    ManifestFiles,
    Reader,
)
from cdverify.rules_schema.node import (
    NodeBuiltins,
    NodeResolution,
    PathRouter,
    RejectedPath,
    RoutePaths,
    WorkspaceFile,
    WorkspaceFormat,
)
from cdverify.rules_schema.orm import (
    LibraryKind,
    OrmFix,
    OrmFixes,
    OrmLibraries,
    OrmLibrary,
    Sink,
    Sinks,
    SqlFiles,
)
from cdverify.rules_schema.paper import (
    DjangoException,
    PaperArchitecture,
    PaperDatabase,
    PaperEngineEvidence,
    PaperLayer,
    PaperOrm,
    PaperOrmEvidence,
    PaperPattern,
    PaperVerifiers,
)
from cdverify.rules_schema.parse import (
    AppCallback,
    InjectedClients,
    NodeBindings,
    ParameterBinding,
    ParseBindings,
    PythonBindings,
    ThisBindings,
)
from cdverify.rules_schema.postman import (
    DynamicVariable,
    DynamicVariables,
)
from cdverify.rules_schema.python import (
    Distributions,
    DjangoRunserver,
    DjangoStartup,
    PythonStartup,
    RunPrograms,
    ServerStart,
)
from cdverify.rules_schema.scopes import (
    ExampleFiles,
    Limits,
    ScopeRule,
    Scopes,
)

FILES: tuple[Any, ...] = (
    Frameworks,
    Scopes,
    ManifestFiles,
    Distributions,
    PythonStartup,
    NodeBuiltins,
    NodeResolution,
    RoutePaths,
    ParseBindings,
    Engines,
    Connections,
    OrmLibraries,
    Sinks,
    OrmFixes,
    PaperVerifiers,
    DynamicVariables,
)


def schema_of(name: str) -> Any:
    """The record `rules/<name>.toml` is read as (an annotation: findings is a table of records)."""
    if name == "findings":
        return Mapping[str, FindingRule]
    if name.startswith("architecture/"):
        return ArchitecturePreset
    for record in FILES:
        if name == record.FILE:
            return record
    raise LookupError(f"rules/{name}.toml has no schema in cdverify/rules_schema/")


__all__ = [
    "FILES",
    "AppCallback",
    "ArchitecturePreset",
    "Autoload",
    "Bypass",
    "ConfigFlag",
    "ConfigGetter",
    "ConfigKeys",
    "ConnectingPlugin",
    "Connection",
    "Connections",
    "Conventions",
    "DependencyTables",
    "Distributions",
    "DjangoException",
    "DjangoRunserver",
    "DjangoStartup",
    "DynamicVariable",
    "DynamicVariables",
    "Engine",
    "Engines",
    "EnvExampleLoader",
    "EnvFileFlag",
    "EnvJsonSchema",
    "EnvOptions",
    "EnvSchema",
    "ExampleFiles",
    "FileUrls",
    "FindingRule",
    "Flag",
    "Framework",
    "Frameworks",
    "HintStack",
    "HintStacks",
    "ImageNames",
    "InjectedClients",
    "JsonSchemaBuilder",
    "LayerRoles",
    "LibraryKind",
    "Limits",
    "ManifestFile",
    "ManifestFiles",
    "MemoryMarkers",
    "NodeBindings",
    "NodeBuiltins",
    "NodeResolution",
    "OrmFix",
    "OrmFixes",
    "OrmLibraries",
    "OrmLibrary",
    "PaperArchitecture",
    "PaperDatabase",
    "PaperEngineEvidence",
    "PaperLayer",
    "PaperOrm",
    "PaperOrmEvidence",
    "PaperPattern",
    "PaperRuntimeFile",
    "PaperVerifiers",
    "ParameterBinding",
    "ParseBindings",
    "PathMaker",
    "PathRouter",
    "PluginRunner",
    "PresetLayer",
    "PythonBindings",
    "PythonStartup",
    "Reader",
    "RejectedPath",
    "RequiredOption",
    "RequiredRead",
    "RoutePaths",
    "RunPrograms",
    "SchemaStep",
    "ScopeRule",
    "Scopes",
    "ServerEngine",
    "ServerStart",
    "SettingsClass",
    "SettingsFiles",
    "SettingsSource",
    "Sink",
    "Sinks",
    "SqlAlchemyUrls",
    "SqlFiles",
    "SqliteEngine",
    "SqliteFile",
    "StartupFile",
    "StartupHook",
    "StartupRead",
    "Strings",
    "TemplateDefault",
    "ThisBindings",
    "WorkerRuntime",
    "WorkspaceFile",
    "WorkspaceFormat",
    "schema_of",
    "table",
]
