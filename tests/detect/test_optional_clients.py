"""A client made only where its settings are present (issue 18, the sixty-third set; docs/accuracy.md
"Sixty-second and sixty-third sets, JavaScript/TypeScript halves"): `const supabase = url && key ?
createClient(url, key) : null`, then `if (!supabase) …; supabase.storage.from("uploads").upload(…)`. The
conditional holds the client or nothing, so calls on it are the client's: here Supabase's file storage alone,
which makes no data-access library (rules/orm/libraries.toml, "Supabase used for sign-in only"), while the app's
records go through pg. A data call on such a client (`supabase.from("items").select()`) is data access as ever,
and a conditional choosing between two different objects traces to neither. Projects written for the test."""

from __future__ import annotations

from typing import Any

import pytest
from reports import MakeProject, inspect_json

PACKAGE = '{"name": "items", "dependencies": {"express": "4.21.2", "pg": "8.13.1", "@supabase/supabase-js": "2.47.0"}}'
SERVER = """import express from "express";
import { createClient } from "@supabase/supabase-js";
import { Pool } from "pg";

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const url = process.env.SUPABASE_URL?.trim();
const key = process.env.SUPABASE_SERVICE_ROLE_KEY?.trim();
const supabase = CLIENT;

const app = express();
app.get("/items", async (req, res) => res.json((await pool.query("SELECT * FROM items")).rows));
app.post("/upload", async (req, res) => {
  if (!supabase) return res.status(500).json({ message: "storage not configured" });
  USE
  res.json(data);
});
app.listen(3000);
"""
STORAGE = 'const { data } = await supabase.storage.from("uploads").upload("photo.png", req.body);'
TABLE = 'const { data } = await supabase.from("items").select("*");'


def libraries(make_project: MakeProject, client: str, use: str) -> list[str]:
    server = SERVER.replace("CLIENT", client).replace("USE", use)
    orm: dict[str, Any] = inspect_json(make_project, {"package.json": PACKAGE, "server/index.ts": server})[
        "orm"
    ]
    return sorted(orm["libraries"])


@pytest.mark.parametrize(
    "client",
    ["url && key ? createClient(url, key) : null", "(url && key) ? createClient(url, key) : undefined"],
    ids=["null", "undefined"],
)
def test_a_client_made_only_when_configured_and_used_for_storage_is_no_data_library(
    make_project: MakeProject, client: str
) -> None:
    assert libraries(make_project, client, STORAGE) == ["pg"]


def test_a_client_made_only_when_configured_and_queried_is_a_data_library(make_project: MakeProject) -> None:
    assert libraries(make_project, "url && key ? createClient(url, key) : null", TABLE) == ["pg", "supabase"]


def test_a_conditional_between_two_objects_is_neither(make_project: MakeProject) -> None:
    # `pool` or a Supabase client: calls on it trace to no one library, so storage calls prove nothing idle
    client = "url && key ? createClient(url, key) : pool"
    assert libraries(make_project, client, STORAGE) == ["pg", "supabase"]
