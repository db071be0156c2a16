; Python code facts: read by cdverify/parse/pycode.py (calls, assignments, URL literals).
(import_statement) @import
(import_from_statement) @import
(assignment) @assignment
(call) @call
((string) @string (#match? @string "://"))
(return_statement) @return
(class_definition) @class
(with_item) @with
(function_definition) @function
(assert_statement) @assert
(lambda) @lambda
(global_statement) @global
