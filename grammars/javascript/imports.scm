; JavaScript imports (ESM and CommonJS). Captures are read by cdverify/parse/javascript.py.
(import_statement source: (string) @source) @import
(export_statement source: (string) @source) @export
; require("literal") / require(`literal`)
(call_expression
  function: (identifier) @fn
  arguments: (arguments . [(string) (template_string)] @source)
  (#eq? @fn "require")) @require
; import("literal")
(call_expression
  function: (import)
  arguments: (arguments . [(string) (template_string)] @source)) @dynamic
