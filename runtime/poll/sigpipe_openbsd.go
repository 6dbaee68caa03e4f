package poll

// noSigpipe does nothing: OpenBSD has no SO_NOSIGPIPE, and Go's runtime
// ignores SIGPIPE for every descriptor but standard output and error, so a
// write to a closed peer fails with EPIPE.
func noSigpipe(fd int) error { return nil }
