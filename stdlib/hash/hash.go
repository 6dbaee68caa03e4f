package hash

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"hash/crc32"
	"strconv"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// hashNames are the digests hash.hmac accepts, as its name argument.
var hashNames = map[string]func() hash.Hash{
	"md5":    md5.New,
	"sha1":   sha1.New,
	"sha256": sha256.New,
	"sha512": sha512.New,
}

func Module(*vm.Machine) (vm.Value, error) {
	members := map[string]vm.Value{
		"hmac":  vm.NewNative("hmac", hashHMAC),
		"crc32": vm.NewNative("crc32", hashCRC32),
	}
	for name, mk := range hashNames {
		fn := "hash." + name
		members[name] = vm.NewNative(name, func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			var s string
			if err := vm.UnpackArgs(fn, args, "s", &s); err != nil {
				return vm.Nil, err
			}
			h := mk()
			h.Write([]byte(s))
			return vm.Str(string(h.Sum(nil))), nil
		})
	}
	return vm.NewNativeModule("hash", members), nil
}

// hashHMAC is hash.hmac(name, key, message): the raw HMAC digest.
func hashHMAC(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "hash.hmac"
	var name, key, msg string
	if err := vm.UnpackArgs(fn, args, "name", &name, "key", &key, "msg", &msg); err != nil {
		return vm.Nil, err
	}
	mk, ok := hashNames[name]
	if !ok {
		return vm.Nil, vm.Errorf(vm.KindValue, "%s: unknown digest %s (use \"md5\", \"sha1\", \"sha256\" or \"sha512\")", fn, strconv.Quote(name))
	}
	h := hmac.New(mk, []byte(key))
	h.Write([]byte(msg))
	return vm.Str(string(h.Sum(nil))), nil
}

// hashCRC32 is hash.crc32(s, start = 0), zlib's CRC-32 as an unsigned int;
// start continues a checksum over data given in pieces.
func hashCRC32(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "hash.crc32"
	var s string
	var start int64
	if err := vm.UnpackArgs(fn, args, "s", &s, "start?", &start); err != nil {
		return vm.Nil, err
	}
	if start < 0 || start > 0xffffffff {
		return vm.Nil, vm.Errorf(vm.KindValue, "%s: start %d is outside 0..4294967295", fn, start)
	}
	return vm.Int(int64(crc32.Update(uint32(start), crc32.IEEETable, []byte(s)))), nil
}
