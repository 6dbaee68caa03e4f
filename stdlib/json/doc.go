// Package json is the json module: encoding and decoding JSON text.
package json
