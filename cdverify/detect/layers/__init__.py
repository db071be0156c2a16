"""Layers: which Clean Architecture layer each application file is in, by where it lives (names.py) and
by what its code does (roles.py), and which web framework an external import belongs to."""

from cdverify.detect.layers.names import (
    Evidence,
    LayerAssignment,
    Named,
    assign_layers,
    framework_of,
    framework_packages,
    implied_frameworks,
    package_roots,
    routes_only_frameworks,
    web_module,
)
from cdverify.detect.layers.role import Role
from cdverify.detect.layers.roles import by_role

__all__ = [
    "Evidence",
    "LayerAssignment",
    "Named",
    "Role",
    "assign_layers",
    "by_role",
    "framework_of",
    "framework_packages",
    "implied_frameworks",
    "package_roots",
    "routes_only_frameworks",
    "web_module",
]
