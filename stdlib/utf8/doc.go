// Package utf8 is the utf8 module: validation, length, characters and code
// points of UTF-8 byte strings.
package utf8
