module github.com/yieldscript/yieldscript

go 1.26.8

require (
	github.com/alecthomas/participle/v2 v2.1.4
	github.com/chzyer/readline v1.5.1
	golang.org/x/sys v0.49.0
)
