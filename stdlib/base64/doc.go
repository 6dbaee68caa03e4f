// Package base64 is the base64 module: standard and URL-safe encoding and
// decoding.
package base64
