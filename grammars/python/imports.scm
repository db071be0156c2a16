; Python imports. Captures are read by cdverify/parse/python.py.
; import a.b, c as d
(import_statement) @import
; from x import y / from . import y / from ..x import (y as z)
(import_from_statement) @from
; importlib.import_module("literal"), import_module("literal"), __import__("literal")
(call
  function: (identifier) @fn
  arguments: (argument_list . (string) @arg)
  (#any-of? @fn "__import__" "import_module")) @dynamic
(call
  function: (attribute attribute: (identifier) @fn)
  arguments: (argument_list . (string) @arg)
  (#eq? @fn "import_module")) @dynamic
