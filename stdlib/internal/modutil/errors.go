package modutil

import (
	"errors"
	"io/fs"
	"syscall"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// Error kinds of the fs module beside io.
const (
	KindNotFound   = "not_found"
	KindPermission = "permission"
)

// fsKind is the error kind of an OS error: not_found for a missing file,
// permission for a refused one, io for the others.
func FileErrorKind(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return KindNotFound
	case errors.Is(err, fs.ErrPermission):
		return KindPermission
	}
	return vm.KindIO
}

// ioError maps a socket error to an error kind.
func IOError(op string, err error) *vm.Error {
	var kind string
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		kind = vm.KindConnRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		kind = vm.KindConnReset
	case errors.Is(err, syscall.EBADF):
		kind = vm.KindClosed
	case errors.Is(err, syscall.ETIMEDOUT):
		kind = vm.KindTimeout
	default:
		kind = vm.KindIO
	}
	e := vm.Errorf(kind, "%s: %v", op, err)
	e.Cause = err
	return e
}
