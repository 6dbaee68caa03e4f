package stdlib

// SetAccept replaces the accept system call of listeners until the returned
// function restores it.
func SetAccept(f func(fd int) (int, string, error)) (restore func()) {
	old := sysAccept
	sysAccept = f
	return func() { sysAccept = old }
}
