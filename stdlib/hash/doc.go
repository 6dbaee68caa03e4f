// Package hash is the hash module: digests (sha256, md5, ...) and HMAC.
package hash
