"""What the contract tests hand a Postman script: a response as the runner builds it for the sandbox, and
a script's context (the sandbox's `execute` argument: what the script sees, with its code)."""

from __future__ import annotations

from typing import Any

RESPONSE = {
    "code": 200,
    "status": "OK",
    "headers": [["Content-Type", "application/json"]],
    "body": '{"user": {"name": "ann"}}',
    "responseTime": 5,
    "responseSize": 25,
    "headerSize": 30,
    "cookies": [],
}


def script_context(code: str, target: str = "test") -> dict[str, Any]:
    """A script of item "item" (GET http://localhost/x); a test script sees RESPONSE."""
    return {
        "target": target,
        "iteration": 0,
        "iterationCount": 1,
        "location": ["item"],
        "request": {
            "id": "1",
            "name": "item",
            "method": "GET",
            "url": "http://localhost/x",
            "headers": [],
            "body": None,
            "legacyData": {},
        },
        "response": RESPONSE if target == "test" else None,
        "code": code,
    }
