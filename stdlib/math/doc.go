// Package math is the math module, with correctly rounded elementary
// functions (accurate.go).
package math
