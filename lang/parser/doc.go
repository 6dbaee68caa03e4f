// Package parser turns YieldScript source text into an abstract syntax tree.
//
// It owns everything about the syntax of the language and nothing else:
//
//   - lexing (lexer.go): a hand-written lexer, usable as a participle
//     lexer.Definition, that applies the newline rules of the language (a
//     newline ends a statement only where it can), decodes literals, and
//     reports lexical errors at their position;
//   - parsing (grammar.go): a participle grammar whose EBNF is kept in
//     grammar.ebnf; the binary operators of every precedence are one flat
//     rule, built into a tree by precedence climbing (convert.go);
//   - the AST (ast.go): the parse tree is converted (convert.go) into the
//     node types of ast.go, every node with its line and column; Dump
//     renders a tree as an S-expression and Inspect walks one;
//   - syntax errors: every error is an *Error with a file, line and column
//     and a message that says what was found and, where it can, what was
//     expected; FormatError shows it with the source line and a caret, and
//     Incomplete tells a REPL that more input could complete the source.
//
// Some rules that a grammar could express are checked on the parse tree
// instead, where they give clearer messages: where a yield may stand without
// parentheses, that comparisons do not chain, what can be assigned to, the
// order of parameters with defaults, a try without catch or finally.
//
// The package must not know about bytecode, values, scopes or the VM: it
// does no constant folding and no name resolution (an undefined name is the
// compiler's error, not a syntax error), and it depends on nothing in this
// module.
package parser
