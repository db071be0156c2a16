; JavaScript, TypeScript and TSX code facts (the node types are shared): read by cdverify/parse/jscode.py.
(import_statement) @import
(variable_declarator) @declarator
(assignment_expression) @assignment
(call_expression) @call
(new_expression) @call
((string) @string (#match? @string "://"))
((template_string) @string (#match? @string "://"))
(arrow_function) @function
(function_expression) @function
(function_declaration) @function
(export_statement) @export
(class_declaration) @class
(class) @class
(method_definition) @method
(throw_statement) @throw
(if_statement) @guard
(ternary_expression) @guard
(switch_case) @case
