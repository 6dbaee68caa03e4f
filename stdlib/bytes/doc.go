// Package bytes is the bytes module: byte strings as lists, hex, xor, and
// struct-style packing (pack, unpack, calcsize).
package bytes
