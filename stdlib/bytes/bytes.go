package bytes

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

func Module(*vm.Machine) (vm.Value, error) {
	return vm.NewNativeModule("bytes", map[string]vm.Value{
		"pack":      vm.NewNative("pack", bytesPack),
		"unpack":    vm.NewNative("unpack", bytesUnpack),
		"calcsize":  vm.NewNative("calcsize", bytesCalcsize),
		"hex":       vm.NewNative("hex", bytesHex),
		"unhex":     vm.NewNative("unhex", bytesUnhex),
		"from_list": vm.NewNative("from_list", bytesFromList),
		"to_list":   vm.NewNative("to_list", bytesToList),
		"xor":       vm.NewNative("xor", bytesXor),
	}), nil
}

// maxStructSize bounds what one format describes (Python says "total struct
// size too long" past the address space; a script gets a value error far
// earlier, before anything is allocated).
const maxStructSize = 1 << 30

// structItem is one code of a struct format with its repeat count, and the
// offset of its first byte.
type structItem struct {
	code  byte
	count int
	off   int
	size  int // of one element
}

// structFormat is a parsed struct format.
type structFormat struct {
	order  binary.ByteOrder
	native bool // '@': native sizes and alignment
	items  []structItem
	size   int
	nargs  int // values pack takes and unpack gives
}

// structSize is the size of one element of code c: native ('@') or standard.
func structSize(c byte, native bool) int {
	switch c {
	case 'b', 'B', 'x', '?', 's':
		return 1
	case 'h', 'H', 'e':
		return 2
	case 'i', 'I', 'f':
		return 4
	case 'l', 'L':
		if native {
			return 8
		}
		return 4
	case 'q', 'Q', 'd':
		return 8
	}
	return 0
}

func structErr(format string, args ...any) error {
	return vm.Errorf(vm.KindValue, format, args...)
}

// parseStructFormat parses a format as Python's struct module does: an
// optional byte order first, then codes each with an optional decimal
// count; whitespace between codes is ignored.
func parseStructFormat(fn, f string) (*structFormat, error) {
	sf := &structFormat{order: binary.LittleEndian, native: true}
	i := 0
	if len(f) > 0 {
		switch f[0] {
		case '@':
			i = 1
		case '=', '<':
			sf.native, i = false, 1
		case '>', '!':
			sf.native, sf.order, i = false, binary.BigEndian, 1
		}
	}
	for i < len(f) {
		c := f[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
			i++
			continue
		}
		count, hasCount := 1, false
		if c >= '0' && c <= '9' {
			count, hasCount = 0, true
			for i < len(f) && f[i] >= '0' && f[i] <= '9' {
				count = count*10 + int(f[i]-'0')
				if count > maxStructSize {
					return nil, structErr("%s: total struct size too long in format %s", fn, strconv.Quote(f))
				}
				i++
			}
			if i == len(f) {
				return nil, structErr("%s: repeat count given without format specifier in %s", fn, strconv.Quote(f))
			}
			c = f[i]
		}
		size := structSize(c, sf.native)
		if size == 0 {
			return nil, structErr("%s: bad char %s in struct format %s", fn, strconv.Quote(string(c)), strconv.Quote(f))
		}
		_ = hasCount
		if sf.native && size > 1 {
			sf.size = (sf.size + size - 1) / size * size
		}
		it := structItem{code: c, count: count, off: sf.size, size: size}
		sf.size += size * count
		if sf.size > maxStructSize {
			return nil, structErr("%s: total struct size too long in format %s", fn, strconv.Quote(f))
		}
		switch c {
		case 'x':
		case 's':
			sf.nargs++
		default:
			sf.nargs += count
		}
		sf.items = append(sf.items, it)
		i++
	}
	return sf, nil
}

func bytesCalcsize(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var format string
	if err := vm.UnpackArgs("bytes.calcsize", args, "format", &format); err != nil {
		return vm.Nil, err
	}
	sf, err := parseStructFormat("bytes.calcsize", format)
	if err != nil {
		return vm.Nil, err
	}
	return vm.Int(int64(sf.size)), nil
}

// intRange is the range of the integer codes, per size and signedness.
func intRange(c byte, size int) (lo, hi int64, signed bool) {
	signed = c == 'b' || c == 'h' || c == 'i' || c == 'l' || c == 'q'
	bits := uint(size * 8)
	if signed {
		if bits == 64 {
			return math.MinInt64, math.MaxInt64, true
		}
		return -1 << (bits - 1), 1<<(bits-1) - 1, true
	}
	if bits == 64 {
		return 0, math.MaxInt64, false
	}
	return 0, 1<<bits - 1, false
}

func bytesPack(t *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "bytes.pack"
	var format string
	var vals []vm.Value
	if err := vm.UnpackArgs(fn, args, "format", &format, "*values", &vals); err != nil {
		return vm.Nil, err
	}
	sf, err := parseStructFormat(fn, format)
	if err != nil {
		return vm.Nil, err
	}
	if err := t.Charge(sf.size); err != nil {
		return vm.Nil, err
	}
	s, err := structPack(fn, sf, vals)
	if err != nil {
		return vm.Nil, err
	}
	return vm.Str(s), nil
}

// structPack packs vals by sf (Python's struct.pack).
func structPack(fn string, sf *structFormat, vals []vm.Value) (string, error) {
	if len(vals) != sf.nargs {
		return "", structErr("%s: the format needs %d values but %d were given", fn, sf.nargs, len(vals))
	}
	buf := make([]byte, sf.size)
	a := 0
	for _, it := range sf.items {
		switch it.code {
		case 'x':
			continue
		case 's':
			v := vals[a]
			a++
			if v.Kind() != vm.KStr {
				return "", vm.Errorf(vm.KindType, "%s: argument for 's' must be a string, not %s", fn, v.TypeName())
			}
			copy(buf[it.off:it.off+it.count], v.AsStr())
			continue
		}
		for k := 0; k < it.count; k++ {
			v := vals[a]
			a++
			p := buf[it.off+k*it.size:]
			if err := packOne(fn, sf.order, it.code, it.size, v, p); err != nil {
				return "", err
			}
		}
	}
	return string(buf), nil
}

func packOne(fn string, order binary.ByteOrder, c byte, size int, v vm.Value, p []byte) error {
	switch c {
	case '?':
		if v.Truthy() {
			p[0] = 1
		}
		return nil
	case 'e', 'f', 'd':
		var x float64
		switch v.Kind() {
		case vm.KFloat:
			x = v.AsFloat()
		case vm.KInt:
			x = float64(v.AsInt())
		default:
			return vm.Errorf(vm.KindType, "%s: argument for '%c' must be a number, not %s", fn, c, v.TypeName())
		}
		switch c {
		case 'e':
			h, ok := float16Bits(x)
			if !ok {
				return structErr("%s: float too large to pack with e format", fn)
			}
			order.PutUint16(p, h)
		case 'f':
			order.PutUint32(p, math.Float32bits(float32(x)))
		default:
			order.PutUint64(p, math.Float64bits(x))
		}
		return nil
	}
	if v.Kind() != vm.KInt {
		return vm.Errorf(vm.KindType, "%s: argument for '%c' must be an int, not %s", fn, c, v.TypeName())
	}
	n := v.AsInt()
	lo, hi, _ := intRange(c, size)
	if n < lo || n > hi {
		if size == 8 {
			return structErr("%s: %d is out of range for '%c'", fn, n, c)
		}
		return structErr("%s: '%c' format requires %d <= number <= %d, not %d", fn, c, lo, hi, n)
	}
	switch size {
	case 1:
		p[0] = byte(n)
	case 2:
		order.PutUint16(p, uint16(n))
	case 4:
		order.PutUint32(p, uint32(n))
	default:
		order.PutUint64(p, uint64(n))
	}
	return nil
}

// float16Bits converts x to IEEE 754 half precision, rounding to nearest
// even; ok is false when a finite x rounds past the largest half (Python's
// OverflowError).
func float16Bits(x float64) (uint16, bool) {
	b := math.Float64bits(x)
	sign := uint16(b>>48) & 0x8000
	if math.IsNaN(x) {
		return sign | 0x7e00, true
	}
	if math.IsInf(x, 0) {
		return sign | 0x7c00, true
	}
	a := math.Abs(x)
	if a == 0 {
		return sign, true
	}
	// The half's value in units of its smallest subnormal (2**-24) or, for
	// normal numbers, its exponent and a 10-bit mantissa, rounded half to even.
	frac, exp := math.Frexp(a) // a = frac * 2**exp, frac in [0.5, 1)
	e := exp - 1               // a = 1.m * 2**e
	if e < -14 {
		// Subnormal: a / 2**-24, rounded to an integer (ties to even).
		m := math.RoundToEven(math.Ldexp(a, 24))
		if m >= 1024 {
			return sign | 0x0400, true // rounded up to the smallest normal
		}
		return sign | uint16(m), true
	}
	m := math.RoundToEven(math.Ldexp(frac*2-1, 10)) // 10-bit mantissa
	if m == 1024 {
		m = 0
		e++
	}
	if e > 15 {
		return 0, false
	}
	return sign | uint16(e+15)<<10 | uint16(m), true
}

// float16Value converts half-precision bits to a float.
func float16Value(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	e := int(h>>10) & 0x1f
	m := float64(h & 0x3ff)
	switch e {
	case 0:
		return sign * math.Ldexp(m, -24)
	case 31:
		if m == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN()
	}
	return sign * math.Ldexp(1+m/1024, e-15)
}

func bytesUnpack(t *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "bytes.unpack"
	var format, data string
	var off int64
	if err := vm.UnpackArgs(fn, args, "format", &format, "data", &data, "offset?", &off); err != nil {
		return vm.Nil, err
	}
	sf, err := parseStructFormat(fn, format)
	if err != nil {
		return vm.Nil, err
	}
	if err := t.Charge(sf.nargs * 24); err != nil {
		return vm.Nil, err
	}
	items, err := structUnpack(fn, sf, data, off)
	if err != nil {
		return vm.Nil, err
	}
	return vm.NewList(items), nil
}

// structUnpack reads sf.size bytes of data at off (negative: from the end)
// as Python's struct.unpack_from does.
func structUnpack(fn string, sf *structFormat, data string, off int64) ([]vm.Value, error) {
	n := int64(len(data))
	if off < 0 {
		if off < -n {
			return nil, structErr("%s: offset %d out of range for %d-byte string", fn, off, n)
		}
		off += n
	}
	if off > n || int64(sf.size) > n-off {
		return nil, structErr("%s: needs %d bytes at offset %d but the string has %d", fn, sf.size, off, n)
	}
	b := data[off:]
	out := make([]vm.Value, 0, sf.nargs)
	for _, it := range sf.items {
		switch it.code {
		case 'x':
			continue
		case 's':
			out = append(out, vm.Str(b[it.off:it.off+it.count]))
			continue
		}
		for k := 0; k < it.count; k++ {
			out = append(out, unpackOne(sf.order, it.code, it.size, b[it.off+k*it.size:]))
		}
	}
	return out, nil
}

func unpackOne(order binary.ByteOrder, c byte, size int, s string) vm.Value {
	var u uint64
	switch size {
	case 1:
		u = uint64(s[0])
	case 2:
		if order == binary.BigEndian {
			u = uint64(s[0])<<8 | uint64(s[1])
		} else {
			u = uint64(s[1])<<8 | uint64(s[0])
		}
	default:
		for i := 0; i < size; i++ {
			j := i
			if order == binary.LittleEndian {
				j = size - 1 - i
			}
			u = u<<8 | uint64(s[j])
		}
	}
	switch c {
	case '?':
		return vm.Bool(u != 0)
	case 'e':
		return vm.Float(float16Value(uint16(u)))
	case 'f':
		return vm.Float(float64(math.Float32frombits(uint32(u))))
	case 'd':
		return vm.Float(math.Float64frombits(u))
	}
	_, _, signed := intRange(c, size)
	if signed && size < 8 {
		shift := uint(64 - size*8)
		return vm.Int(int64(u<<shift) >> shift)
	}
	return vm.Int(int64(u)) // Q and native L above 2**63-1 wrap, as ints do
}

func bytesHex(t *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "bytes.hex"
	var s string
	sep := ""
	if err := vm.UnpackArgs(fn, args, "s", &s, "sep?", &sep); err != nil {
		return vm.Nil, err
	}
	if len(s) == 0 {
		return vm.Str(""), nil
	}
	if err := t.Charge(len(s)*(2+len(sep)) - len(sep)); err != nil {
		return vm.Nil, err
	}
	const digits = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s)*(2+len(sep)) - len(sep))
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteByte(digits[s[i]>>4])
		b.WriteByte(digits[s[i]&15])
	}
	return vm.Str(b.String()), nil
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// bytesUnhex is Python's bytes.fromhex: pairs of hex digits, with ASCII
// whitespace allowed between pairs.
func bytesUnhex(t *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "bytes.unhex"
	var s string
	if err := vm.UnpackArgs(fn, args, "s", &s); err != nil {
		return vm.Nil, err
	}
	out := make([]byte, 0, len(s)/2)
	for i := 0; i < len(s); {
		if isASCIISpace(s[i]) {
			i++
			continue
		}
		hi, ok := modutil.UnhexDigit(s[i])
		if !ok {
			return vm.Nil, structErr("%s: non-hexadecimal number found at position %d", fn, i)
		}
		if i+1 >= len(s) {
			return vm.Nil, structErr("%s: odd number of hex digits (position %d has no pair)", fn, i)
		}
		lo, ok := modutil.UnhexDigit(s[i+1])
		if !ok {
			return vm.Nil, structErr("%s: non-hexadecimal number found at position %d", fn, i+1)
		}
		out = append(out, hi<<4|lo)
		i += 2
	}
	if err := t.Charge(len(out)); err != nil {
		return vm.Nil, err
	}
	return vm.Str(string(out)), nil
}

func bytesFromList(t *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "bytes.from_list"
	var l *vm.List
	if err := vm.UnpackArgs(fn, args, "ints", &l); err != nil {
		return vm.Nil, err
	}
	items := l.Snapshot()
	out := make([]byte, len(items))
	for i, v := range items {
		if v.Kind() != vm.KInt {
			return vm.Nil, vm.Errorf(vm.KindType, "%s: item %d is %s, not an int", fn, i, v.TypeName())
		}
		n := v.AsInt()
		if n < 0 || n > 255 {
			return vm.Nil, structErr("%s: item %d is %d, outside 0..255", fn, i, n)
		}
		out[i] = byte(n)
	}
	if err := t.Charge(len(out)); err != nil {
		return vm.Nil, err
	}
	return vm.Str(string(out)), nil
}

func bytesToList(t *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "bytes.to_list"
	var s string
	if err := vm.UnpackArgs(fn, args, "s", &s); err != nil {
		return vm.Nil, err
	}
	if err := t.Charge(len(s) * 24); err != nil {
		return vm.Nil, err
	}
	out := make([]vm.Value, len(s))
	for i := 0; i < len(s); i++ {
		out[i] = vm.Int(int64(s[i]))
	}
	return vm.NewList(out), nil
}

// bytesXor is the bytewise xor of two strings of the same length.
func bytesXor(t *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "bytes.xor"
	var a, b string
	if err := vm.UnpackArgs(fn, args, "a", &a, "b", &b); err != nil {
		return vm.Nil, err
	}
	if len(a) != len(b) {
		return vm.Nil, structErr("%s: the strings differ in length (%d and %d bytes)", fn, len(a), len(b))
	}
	if err := t.Charge(len(a)); err != nil {
		return vm.Nil, err
	}
	out := make([]byte, len(a))
	for i := range out {
		out[i] = a[i] ^ b[i]
	}
	return vm.Str(string(out)), nil
}
