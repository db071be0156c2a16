"""Data-access clients a code generator writes into the project: Prisma's `generator client { provider =
"prisma-client"; output = "../src/generated/prisma" }` puts the client where the code imports it from
(`../generated/prisma/client`) instead of `@prisma/client`. The generator's `output` folder stands for the
npm package the provider generates (rules/manifests.toml `generators` of the Prisma entry), so that imports
of it and calls through them read as imports and calls of that package. The folder is usually git-ignored:
only the schema says where it is."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

_GENERATOR_BLOCK = re.compile(r"generator\s+\w+\s*\{(?P<body>[^}]*)\}", re.S)
_FIELD = re.compile(r'^\s*(provider|output)\s*=\s*"([^"]*)"\s*$', re.M)


class GeneratedClient(NamedTuple):
    """A client generated into the project: its folder (from the project root) and the package it is."""

    folder: str
    package: str  # the npm package the folder stands for (`@prisma/client`)
    file: str  # the schema that says so
    line: int


def prisma_generators(rel: str, code: str, generators: Mapping[str, str]) -> list[GeneratedClient]:
    """The generator blocks of a Prisma schema (`code`, comments removed) whose provider is one of
    `generators` and whose `output` is set; the output is relative to the schema's folder."""
    out = []
    for block in _GENERATOR_BLOCK.finditer(code):
        fields = {match.group(1): match for match in _FIELD.finditer(block.group("body"))}
        provider, output = fields.get("provider"), fields.get("output")
        package = generators.get(provider.group(2)) if provider is not None else None
        if package is None or output is None or not output.group(2):
            continue
        folder = posixpath.normpath(posixpath.join(posixpath.dirname(rel), output.group(2)))
        if folder.startswith("../") or folder == "..":
            continue  # outside the project
        line = code.count("\n", 0, block.start("body") + output.start(2)) + 1
        out.append(GeneratedClient("" if folder == "." else folder, package, rel, line))
    return out


def package_of(stem: str, clients: Iterable[GeneratedClient]) -> str | None:
    """The package a project module path (without extension: `src/generated/prisma/client`) stands for
    when it lies in a generated client's folder; None otherwise."""
    for client in clients:
        if client.folder and (stem == client.folder or stem.startswith(client.folder + "/")):
            return client.package
    return None
