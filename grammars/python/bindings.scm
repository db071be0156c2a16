; Python bindings the `code` query does not capture, read by cdverify/parse/pyunbound.py only when a name the
; module reads at import is bound by nothing else: each @target subtree's identifiers count as bound.
(for_statement left: (_) @target)
(for_in_clause left: (_) @target)
(named_expression name: (identifier) @target)
(as_pattern alias: (as_pattern_target) @target)
(except_clause value: (_) @target)
(augmented_assignment left: (_) @target)
(delete_statement) @target
(case_pattern) @target
(type_alias_statement left: (_) @target)
(nonlocal_statement) @target
(type_parameter) @target
(parameters (identifier) @target)
(lambda_parameters (identifier) @target)
(default_parameter name: (_) @target)
(typed_parameter (identifier) @target)
(typed_default_parameter name: (_) @target)
(list_splat_pattern) @target
(dictionary_splat_pattern) @target
; Python 2 statements: Python 3 cannot import the file, for other reasons than a name
(print_statement) @python2
(exec_statement) @python2
