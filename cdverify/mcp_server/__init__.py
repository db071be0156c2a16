"""`cdverify mcp`: a Model Context Protocol server over stdio (the optional `mcp` extra; docs/mcp.md)."""
