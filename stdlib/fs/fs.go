package fs

import (
	"errors"
	"io/fs"
	"os"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

// fsError turns an OS error into an error naming the path, of kind not_found
// for a missing file, permission for a refused one, io for the others.
func fsError(op, path string, err error) *vm.Error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	e := vm.Errorf(modutil.FileErrorKind(err), "%s %s: %v", op, path, err)
	e.Cause = err
	return e
}

func Module(l *scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	return func(*vm.Machine) (vm.Value, error) {
		funcs := fsMore(l)
		for name, f := range map[string]vm.Value{
			"read": vm.NewNative("read", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
				var path string
				if err := vm.UnpackArgs("fs.read", args, "path", vm.Want("a path string", &path)); err != nil {
					return vm.Nil, err
				}
				return modutil.NewOp("fs.read", func(w scheduler.Waker) scheduler.Canceler {
					return l.Go(w, func() (vm.Value, *vm.Error) {
						data, err := os.ReadFile(path)
						if err != nil {
							return vm.Nil, fsError("read", path, err)
						}
						return vm.Str(string(data)), nil
					})
				}), nil
			}),
			"write": vm.NewNative("write", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
				var path, data string
				if err := vm.UnpackArgs("fs.write", args, "path", vm.Want("a path string", &path), "data", &data); err != nil {
					return vm.Nil, err
				}
				return modutil.NewOp("fs.write", func(w scheduler.Waker) scheduler.Canceler {
					return l.Go(w, func() (vm.Value, *vm.Error) {
						if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
							return vm.Nil, fsError("write", path, err)
						}
						return vm.Nil, nil
					})
				}), nil
			}),
		} {
			funcs[name] = f
		}
		return vm.NewNativeModule("fs", funcs), nil
	}
}
