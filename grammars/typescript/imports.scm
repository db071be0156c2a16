; TypeScript and TSX imports: the JavaScript forms plus `import x = require("y")`.
; `import type` / `export type` are told apart in cdverify/parse/javascript.py from the `type` keyword.
(import_statement source: (string) @source) @import
(export_statement source: (string) @source) @export
(import_require_clause source: (string) @source) @require
(call_expression
  function: (identifier) @fn
  arguments: (arguments . [(string) (template_string)] @source)
  (#eq? @fn "require")) @require
(call_expression
  function: (import)
  arguments: (arguments . [(string) (template_string)] @source)) @dynamic
