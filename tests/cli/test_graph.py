"""`cdverify graph`: DOT that real parsers read back with every file name intact (quotes, backslashes,
spaces), and the layer violations drawn in red in DOT and Mermaid, marked in JSON (issue 20)."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pydot
import pytest
from click.testing import CliRunner
from tools import require_tool

from cdverify.cli import cli
from cdverify.report.graph import dot_string

Make = Callable[[dict[str, str | bytes]], Path]

# routes → two services (one with a space, one with a double quote in its name); the spaced service imports
# the route back (ARCH001 upward, and a layer cycle ARCH006); a model whose name holds a backslash
PROJECT: dict[str, str | bytes] = {
    "package.json": '{"name": "x", "dependencies": {"express": "4"}}',
    "src/routes/users.js": "require('../services/a b.js');\nrequire('../services/q\"uote.js');\n",
    "src/services/a b.js": "require('../routes/users.js');\nmodule.exports = {};\n",
    'src/services/q"uote.js': "module.exports = {};\n",
    "src/models/back\\slash.js": "module.exports = {};\n",
}
FILES = sorted(name for name in PROJECT if name.startswith("src/"))
BAD = ("src/services/a b.js", "src/routes/users.js")


def graph(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["graph", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def project(make_project: Make) -> Path:
    return make_project(PROJECT)


def test_pydot_reads_the_dot_back(project: Path) -> None:
    parsed = pydot.graph_from_dot_data(graph(project))
    assert parsed is not None and len(parsed) == 1
    document = parsed[0]
    nodes = {node.get_name() for sub in document.get_subgraphs() for node in sub.get_nodes()}
    assert nodes == {dot_string(name) for name in FILES}
    edges = {(edge.get_source(), edge.get_destination()): edge.get("color") for edge in document.get_edges()}
    assert edges == {
        (dot_string("src/routes/users.js"), dot_string("src/services/a b.js")): None,
        (dot_string("src/routes/users.js"), dot_string('src/services/q"uote.js')): None,
        (dot_string(BAD[0]), dot_string(BAD[1])): "red",
    }


def test_graphviz_renders_every_name_as_written(project: Path, tmp_path: Path) -> None:
    """Graphviz's own parser: the SVG's node labels are the file names, the violating edge is red."""
    dot = require_tool("dot", "Debian: apt-get install graphviz")
    source = tmp_path / "g.dot"
    source.write_text(graph(project), encoding="utf-8")
    svg = subprocess.run([dot, "-Tsvg", str(source)], capture_output=True, text=True, check=True).stdout
    tree = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    labels = {
        text.text
        for group in tree.iterfind(".//svg:g[@class='node']", ns)
        for text in group.iterfind("svg:text", ns)
    }
    assert labels == set(FILES)
    red = [
        group.findtext("svg:title", namespaces=ns)
        for group in tree.iterfind(".//svg:g[@class='edge']", ns)
        if any(path.get("stroke") == "red" for path in group.iterfind(".//svg:path", ns))
    ]
    assert red == [f"{BAD[0]}->{BAD[1]}"]


def test_mermaid_marks_the_violating_edge(project: Path) -> None:
    text = graph(project, "--format", "mermaid")
    ids = dict(re.findall(r'(n\d+)\["([^"]*)"\]', text))
    assert sorted(ids.values()) == sorted(name.replace('"', "#quot;") for name in FILES)
    links = re.findall(r"^  (n\d+) --> (n\d+)$", text, re.M)
    marked = re.search(r"^  linkStyle ([\d,]+) stroke:red,stroke-width:2px$", text, re.M)
    assert marked is not None
    assert [(ids[links[int(i)][0]], ids[links[int(i)][1]]) for i in marked.group(1).split(",")] == [BAD]
    layer = graph(project, "--format", "mermaid", "--level", "layer")
    assert "n1 --> n0" in layer and "linkStyle 1 stroke:red" in layer  # services → routes, in red


def test_dot_layer_level_and_json(project: Path) -> None:
    layer = graph(project, "--level", "layer")
    assert '"services" -> "routes" [label="1", color=red, penwidth=2, tooltip="ARCH001, ARCH006"];' in layer
    assert '"routes" -> "services" [label="2"];' in layer
    edges = json.loads(graph(project, "--format", "json"))["edges"]
    assert {(e["source"], e["target"]): e["violations"] for e in edges}[BAD] == ["ARCH001", "ARCH006"]
    assert all(e["violations"] == [] for e in edges if (e["source"], e["target"]) != BAD)


def test_an_ignored_violation_is_not_red(project: Path) -> None:
    (project / "cdverify.toml").write_text(
        '[[ignore]]\nrule = "ARCH001"\npath = "src/services/*"\nreason = "moving"\n'
        '[[ignore]]\nrule = "ARCH006"\npath = "src/services/*"\nreason = "moving"\n'
    )
    assert "red" not in graph(project)
