package vm

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The string methods of the base library, with Python's semantics on the
// bytes: positions, widths and lengths count bytes, whitespace for split is
// ASCII (as Python's bytes.split); the case mappings and the class tests
// (isalpha, isupper, ...) work on the UTF-8 characters as Python's str
// methods do, and a byte that is not part of a UTF-8 character is kept as it
// is and belongs to no class.
func addStringMethods(ms map[string]MethodFunc) {
	for name, fn := range map[string]MethodFunc{
		"split":        strSplit,
		"rsplit":       strRSplit,
		"find":         strFindFunc("find", false, false),
		"rfind":        strFindFunc("rfind", true, false),
		"index":        strFindFunc("index", false, true),
		"rindex":       strFindFunc("rindex", true, true),
		"count":        strCount,
		"splitlines":   strSplitlines,
		"partition":    strPartition("partition", false),
		"rpartition":   strPartition("rpartition", true),
		"removeprefix": strBinary("removeprefix", strings.TrimPrefix, Str),
		"removesuffix": strBinary("removesuffix", strings.TrimSuffix, Str),
		"ljust":        strJustify("ljust"),
		"rjust":        strJustify("rjust"),
		"center":       strJustify("center"),
		"zfill":        strZfill,
		"upper":        strNoArg("upper", func(s string) string { return caseMap(s, 'a', upperAt) }),
		"lower":        strNoArg("lower", func(s string) string { return caseMap(s, 'A', lowerAt) }),
		"title":        strNoArg("title", strTitle),
		"capitalize":   strNoArg("capitalize", strCapitalize),
		"swapcase":     strNoArg("swapcase", func(s string) string { return mapChars(s, swapAt) }),
		"isdigit":      strIs("isdigit", func(r rune) bool { return unicode.IsDigit(r) || unicode.Is(otherDigits, r) }),
		"isalpha":      strIs("isalpha", unicode.IsLetter),
		"isalnum":      strIs("isalnum", func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }),
		"isspace":      strIs("isspace", func(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }),
		"isupper":      strCaseTest("isupper", isUpperRune, isLowerRune),
		"islower":      strCaseTest("islower", isLowerRune, isUpperRune),
		"byte":         strByte,
	} {
		ms[name] = fn
	}
}

// intOrNil reads optional argument i (an int, or nil for def).
func intOrNil(fn string, args []Value, i int, def int64) (int64, error) {
	if i >= len(args) || args[i].k == KNil {
		return def, nil
	}
	if args[i].k != KInt {
		return 0, TypeArgError(fn, i+1, "an int or nil", args[i])
	}
	return args[i].AsInt(), nil
}

// strBounds reads the optional start and end arguments at i and i+1 as
// Python does for find and count: negative counts from the end, clipped to
// the string. start may come out beyond n (then nothing is found).
func strBounds(fn string, args []Value, i, n int) (start, end int, err error) {
	s, err := intOrNil(fn, args, i, 0)
	if err != nil {
		return 0, 0, err
	}
	e, err := intOrNil(fn, args, i+1, int64(n))
	if err != nil {
		return 0, 0, err
	}
	clip := func(x int64) int {
		if x < 0 {
			x += int64(n)
			if x < 0 {
				x = 0
			}
		}
		if x > int64(n) {
			return n + 1 // only start can be past the end; callers test it
		}
		return int(x)
	}
	start, end = clip(s), clip(e)
	if end > n {
		end = n
	}
	return start, end, nil
}

// strFindFunc is find, rfind (from the right), index and rindex (which
// throw value instead of giving -1): sub in s[start:end].
func strFindFunc(name string, right, throw bool) MethodFunc {
	return func(t *Task, recv Value, args []Value) (Value, error) {
		if err := CheckArgs(name, args, 1, 3); err != nil {
			return Nil, err
		}
		sub, err := strArg(name, args, 0)
		if err != nil {
			return Nil, err
		}
		s := recv.AsStr()
		start, end, err := strBounds(name, args, 1, len(s))
		if err != nil {
			return Nil, err
		}
		i := -1
		if start <= len(s) && start <= end {
			if right {
				i = strings.LastIndex(s[start:end], sub)
			} else {
				i = strings.Index(s[start:end], sub)
			}
			if i >= 0 {
				i += start
			}
		}
		if i < 0 && throw {
			return Nil, Errorf(KindValue, "%s(): substring %s not found", name, Repr(args[0]))
		}
		return Int(int64(i)), nil
	}
}

func strCount(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("count", args, 1, 3); err != nil {
		return Nil, err
	}
	sub, err := strArg("count", args, 0)
	if err != nil {
		return Nil, err
	}
	s := recv.AsStr()
	start, end, err := strBounds("count", args, 1, len(s))
	if err != nil {
		return Nil, err
	}
	if start > len(s) || start > end {
		return Int(0), nil
	}
	if sub == "" {
		return Int(int64(end - start + 1)), nil
	}
	return Int(int64(strings.Count(s[start:end], sub))), nil
}

// isASCIISpace is Python's bytes whitespace: space, \t \n \r \v \f.
func isASCIISpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r'
}

// splitArgs reads split's and rsplit's (sep = nil, maxsplit = -1).
func splitArgs(name string, args []Value) (sep string, ws bool, maxsplit int, err error) {
	if err := CheckArgs(name, args, 0, 2); err != nil {
		return "", false, 0, err
	}
	ws = len(args) == 0 || args[0].k == KNil
	if !ws {
		if sep, err = strArg(name, args, 0); err != nil {
			return "", false, 0, err
		}
		if sep == "" {
			return "", false, 0, Errorf(KindValue, "%s() separator must not be empty", name)
		}
	}
	ms, err := intOrNil(name, args, 1, -1)
	if err != nil {
		return "", false, 0, err
	}
	if ms < 0 || ms > 1<<30 {
		ms = 1 << 30
	}
	return sep, ws, int(ms), nil
}

func strList(parts []string) Value {
	out := make([]Value, len(parts))
	for i, p := range parts {
		out[i] = Str(p)
	}
	return NewList(out)
}

// strSplit is split(sep = nil, maxsplit = -1): without sep, on runs of ASCII
// whitespace, ignoring it at the ends; at most maxsplit splits (the rest is
// the last part), from the left.
func strSplit(t *Task, recv Value, args []Value) (Value, error) {
	sep, ws, maxsplit, err := splitArgs("split", args)
	if err != nil {
		return Nil, err
	}
	s := recv.AsStr()
	if !ws {
		return strList(strings.SplitN(s, sep, maxsplit+1)), nil
	}
	var parts []string
	i := 0
	for {
		for i < len(s) && isASCIISpace(s[i]) {
			i++
		}
		if i == len(s) {
			break
		}
		if len(parts) == maxsplit {
			parts = append(parts, s[i:])
			break
		}
		j := i
		for j < len(s) && !isASCIISpace(s[j]) {
			j++
		}
		parts = append(parts, s[i:j])
		i = j
	}
	return strList(parts), nil
}

// strRSplit is rsplit: split, counting maxsplit from the right.
func strRSplit(t *Task, recv Value, args []Value) (Value, error) {
	sep, ws, maxsplit, err := splitArgs("rsplit", args)
	if err != nil {
		return Nil, err
	}
	s := recv.AsStr()
	var parts []string
	if !ws {
		end := len(s)
		for len(parts) < maxsplit {
			i := strings.LastIndex(s[:end], sep)
			if i < 0 {
				break
			}
			parts = append(parts, s[i+len(sep):end])
			end = i
		}
		parts = append(parts, s[:end])
	} else {
		j := len(s)
		for {
			for j > 0 && isASCIISpace(s[j-1]) {
				j--
			}
			if j == 0 {
				break
			}
			if len(parts) == maxsplit {
				parts = append(parts, s[:j])
				break
			}
			i := j
			for i > 0 && !isASCIISpace(s[i-1]) {
				i--
			}
			parts = append(parts, s[i:j])
			j = i
		}
	}
	for a, b := 0, len(parts)-1; a < b; a, b = a+1, b-1 {
		parts[a], parts[b] = parts[b], parts[a]
	}
	return strList(parts), nil
}

// strSplitlines is splitlines(keepends = false): lines ended by \n, \r or
// \r\n (Python's rule for bytes); a last line without an end counts too.
func strSplitlines(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("splitlines", args, 0, 1); err != nil {
		return Nil, err
	}
	keep := false
	if len(args) == 1 && args[0].k != KNil {
		if args[0].k != KBool {
			return Nil, TypeArgError("splitlines", 1, "a bool", args[0])
		}
		keep = args[0].AsBool()
	}
	s := recv.AsStr()
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '\n' && s[i] != '\r' {
			continue
		}
		end := i
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		if keep {
			end = i + 1
		}
		parts = append(parts, s[start:end])
		start = i + 1
	}
	if start < len(s) {
		parts = append(parts, s[start:])
	}
	return strList(parts), nil
}

func strPartition(name string, right bool) MethodFunc {
	return func(t *Task, recv Value, args []Value) (Value, error) {
		if err := CheckArgs(name, args, 1, 1); err != nil {
			return Nil, err
		}
		sep, err := strArg(name, args, 0)
		if err != nil {
			return Nil, err
		}
		if sep == "" {
			return Nil, Errorf(KindValue, "%s() separator must not be empty", name)
		}
		s := recv.AsStr()
		if right {
			if i := strings.LastIndex(s, sep); i >= 0 {
				return strList([]string{s[:i], sep, s[i+len(sep):]}), nil
			}
			return strList([]string{"", "", s}), nil
		}
		if i := strings.Index(s, sep); i >= 0 {
			return strList([]string{s[:i], sep, s[i+len(sep):]}), nil
		}
		return strList([]string{s, "", ""}), nil
	}
}

// maxPad bounds the width of ljust, rjust, center and zfill (1 GiB).
const maxPad = 1 << 30

func widthArg(name string, args []Value) (int, error) {
	if args[0].k != KInt {
		return 0, TypeArgError(name, 1, "an int", args[0])
	}
	w := args[0].AsInt()
	if w > maxPad {
		return 0, Errorf(KindValue, "%s() width %d is too large", name, w)
	}
	return int(w), nil
}

// strJustify is ljust, rjust and center(width, fill = " "): s padded with
// fill (one byte) to width bytes; center puts the odd byte as Python does.
func strJustify(name string) MethodFunc {
	return func(t *Task, recv Value, args []Value) (Value, error) {
		if err := CheckArgs(name, args, 1, 2); err != nil {
			return Nil, err
		}
		width, err := widthArg(name, args)
		if err != nil {
			return Nil, err
		}
		fill := " "
		if len(args) == 2 {
			if fill, err = strArg(name, args, 1); err != nil {
				return Nil, err
			}
			if len(fill) != 1 {
				return Nil, Errorf(KindValue, "%s() fill must be one byte, not a string of %d bytes", name, len(fill))
			}
		}
		s := recv.AsStr()
		marg := width - len(s)
		if marg <= 0 {
			return recv, nil
		}
		if e := t.charge(int64(width)); e != nil {
			return Nil, e
		}
		var left int
		switch name {
		case "rjust":
			left = marg
		case "center":
			left = marg/2 + (marg & width & 1)
		}
		return Str(strings.Repeat(fill, left) + s + strings.Repeat(fill, marg-left)), nil
	}
}

// strZfill is zfill(width): zeros on the left to width bytes, after a sign.
func strZfill(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("zfill", args, 1, 1); err != nil {
		return Nil, err
	}
	width, err := widthArg("zfill", args)
	if err != nil {
		return Nil, err
	}
	s := recv.AsStr()
	fill := width - len(s)
	if fill <= 0 {
		return recv, nil
	}
	if e := t.charge(int64(width)); e != nil {
		return Nil, e
	}
	z := strings.Repeat("0", fill)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		return Str(s[:1] + z + s[1:]), nil
	}
	return Str(z + s), nil
}

// strByte is s.byte(i): the byte at i (negative counts from the end), 0-255.
func strByte(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("byte", args, 1, 1); err != nil {
		return Nil, err
	}
	s := recv.AsStr()
	i, err := normIndex(args[0], len(s), "byte")
	if err != nil {
		return Nil, err
	}
	return Int(int64(s[i])), nil
}

// char is one character of a string being case-mapped: a rune, or a byte
// that is not part of a UTF-8 character (r is -1).
type char struct {
	r   rune
	raw string
}

func decodeChars(s string) []char {
	out := make([]char, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			r = -1
		}
		out = append(out, char{r, s[i : i+n]})
		i += n
	}
	return out
}

// caseMap is upper (from 'a') or lower (from 'A'): ASCII text is mapped
// byte by byte (and returned as it is when nothing changes), other text with
// f, character by character.
func caseMap(s string, from byte, f func(cs []char, i int, b *strings.Builder)) string {
	first := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return mapChars(s, f)
		}
		if first < 0 && c >= from && c <= from+25 {
			first = i
		}
	}
	if first < 0 {
		return s
	}
	b := []byte(s)
	for i := first; i < len(b); i++ {
		if c := b[i]; c >= from && c <= from+25 {
			b[i] = c ^ 0x20
		}
	}
	return string(b)
}

// mapChars writes s with each character replaced by f of it (the *At
// functions keep the bytes that are not UTF-8 characters as they are).
func mapChars(s string, f func(cs []char, i int, b *strings.Builder)) string {
	cs := decodeChars(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := range cs {
		f(cs, i, &b)
	}
	return b.String()
}

func isLowerRune(r rune) bool {
	return r >= 0 && (unicode.IsLower(r) || unicode.Is(unicode.Other_Lowercase, r))
}

func isUpperRune(r rune) bool {
	return r >= 0 && (unicode.IsUpper(r) || unicode.Is(unicode.Other_Uppercase, r))
}

func isCased(r rune) bool { return isLowerRune(r) || isUpperRune(r) || r >= 0 && unicode.IsTitle(r) }

// isCaseIgnorable is Unicode's Case_Ignorable property: marks, format
// characters, modifiers and the word-inner punctuation (' . : ·).
func isCaseIgnorable(r rune) bool {
	return r >= 0 && unicode.Is(caseIgnorable, r)
}

// finalSigma reports whether the capital sigma at i ends a word (a cased
// character before it and none after it, skipping case-ignorable ones): its
// lower case is then ς, as in Python.
func finalSigma(cs []char, i int) bool {
	j := i - 1
	for j >= 0 && isCaseIgnorable(cs[j].r) {
		j--
	}
	if j < 0 || !isCased(cs[j].r) {
		return false
	}
	j = i + 1
	for j < len(cs) && isCaseIgnorable(cs[j].r) {
		j++
	}
	return j == len(cs) || !isCased(cs[j].r)
}

// caseAt writes the case mapping of cs[i]: its special mapping (several
// runes) when it has one, else conv of it; a byte that is not UTF-8 as it is.
func caseAt(cs []char, i int, b *strings.Builder, special map[rune]string, conv func(rune) rune) {
	r := cs[i].r
	if r < 0 {
		b.WriteString(cs[i].raw)
		return
	}
	if s, ok := special[r]; ok {
		b.WriteString(s)
		return
	}
	b.WriteRune(conv(r))
}

func upperAt(cs []char, i int, b *strings.Builder) {
	caseAt(cs, i, b, upperSpecial, unicode.ToUpper)
}

func lowerAt(cs []char, i int, b *strings.Builder) {
	if cs[i].r == 0x3A3 {
		if finalSigma(cs, i) {
			b.WriteRune(0x3C2)
		} else {
			b.WriteRune(0x3C3)
		}
		return
	}
	caseAt(cs, i, b, lowerSpecial, unicode.ToLower)
}

func titleAt(cs []char, i int, b *strings.Builder) {
	caseAt(cs, i, b, titleSpecial, unicode.ToTitle)
}

func swapAt(cs []char, i int, b *strings.Builder) {
	switch r := cs[i].r; {
	case isUpperRune(r):
		lowerAt(cs, i, b)
	case isLowerRune(r):
		upperAt(cs, i, b)
	default:
		b.WriteString(cs[i].raw)
	}
}

// strTitle is title(): the first cased character of each run of cased ones in
// title case, the others in lower case, as Python's (so "they're" gives
// "They'Re").
func strTitle(s string) string {
	prevCased := false
	return mapChars(s, func(cs []char, i int, b *strings.Builder) {
		if prevCased {
			lowerAt(cs, i, b)
		} else {
			titleAt(cs, i, b)
		}
		prevCased = isCased(cs[i].r)
	})
}

// strCapitalize is capitalize(): the first character in title case, the
// rest in lower case.
func strCapitalize(s string) string {
	return mapChars(s, func(cs []char, i int, b *strings.Builder) {
		if i == 0 {
			titleAt(cs, i, b)
		} else {
			lowerAt(cs, i, b)
		}
	})
}

// strIs is a class test: true when s is not empty and every character
// passes (a byte that is not UTF-8 text never does).
func strIs(name string, pass func(rune) bool) MethodFunc {
	return func(t *Task, recv Value, args []Value) (Value, error) {
		if err := CheckArgs(name, args, 0, 0); err != nil {
			return Nil, err
		}
		s := recv.AsStr()
		if s == "" {
			return False, nil
		}
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 || !pass(r) {
				return False, nil
			}
			i += n
		}
		return True, nil
	}
}

// strCaseTest is isupper (is: upper, not: lower) and islower: at least one
// cased character, and none of the other case nor in title case.
func strCaseTest(name string, is, not func(rune) bool) MethodFunc {
	return func(t *Task, recv Value, args []Value) (Value, error) {
		if err := CheckArgs(name, args, 0, 0); err != nil {
			return Nil, err
		}
		s := recv.AsStr()
		cased := false
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			i += n
			if r == utf8.RuneError && n == 1 {
				continue
			}
			if not(r) || unicode.IsTitle(r) {
				return False, nil
			}
			if is(r) {
				cased = true
			}
		}
		return Bool(cased), nil
	}
}
