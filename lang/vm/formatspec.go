package vm

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Python's format-spec mini-language, shared by the format builtin and the
// format specs of f-strings (f"{x:>8.2f}"):
//
//	[[fill]align][sign][z][#][0][width][grouping][.precision][type]
//
// with align one of < > ^ =, sign one of + - space, grouping , or _, and type
// one of b c d o x X n (ints), e E f F g G n % (floats and ints), s (strings)
// or none. Errors are kind value with Python's messages, except that a value
// that is not a number or a string with a non-empty spec is kind type.

// maxFormatWidth bounds the width and the precision of a spec, so that a
// spec cannot make a huge string.
const maxFormatWidth = 1 << 20

// fmtSpec is a parsed format spec.
type fmtSpec struct {
	fill      rune
	align     byte // 0 when not given
	sign      byte // 0, '+', '-' or ' '
	noNegZero bool // z
	alt       bool // #
	width     int  // -1 when not given
	grouping  byte // 0, ',' or '_'
	precision int  // -1 when not given
	typ       byte // 0 when not given
}

func isAlign(c byte) bool { return c == '<' || c == '>' || c == '^' || c == '=' }

// parseFormatSpec parses spec for a value of the given type name, whose
// default alignment is defAlign.
func parseFormatSpec(spec string, typeName string, defAlign byte) (fmtSpec, error) {
	f := fmtSpec{fill: ' ', width: -1, precision: -1}
	pos := 0
	fillGiven := false
	// A fill is any character followed by an alignment.
	if r, n := utf8.DecodeRuneInString(spec); n > 0 && n < len(spec) && isAlign(spec[n]) {
		f.fill, f.align, fillGiven = r, spec[n], true
		pos = n + 1
	} else if len(spec) > 0 && isAlign(spec[0]) {
		f.align = spec[0]
		pos = 1
	}
	if pos < len(spec) && (spec[pos] == '+' || spec[pos] == '-' || spec[pos] == ' ') {
		f.sign = spec[pos]
		pos++
	}
	if pos < len(spec) && spec[pos] == 'z' {
		f.noNegZero = true
		pos++
	}
	if pos < len(spec) && spec[pos] == '#' {
		f.alt = true
		pos++
	}
	if !fillGiven && pos < len(spec) && spec[pos] == '0' {
		f.fill = '0'
		if f.align == 0 && defAlign == '>' {
			f.align = '='
		}
		pos++
	}
	var err error
	var n int
	if f.width, n, err = specInt(spec, &pos); err != nil {
		return f, err
	}
	if n == 0 {
		f.width = -1
	}
	if pos < len(spec) && spec[pos] == ',' {
		f.grouping = ','
		pos++
	}
	if pos < len(spec) && spec[pos] == '_' {
		if f.grouping != 0 {
			return f, NewError(KindValue, "Cannot specify both ',' and '_'.")
		}
		f.grouping = '_'
		pos++
	}
	if pos < len(spec) && spec[pos] == ',' && f.grouping == '_' {
		return f, NewError(KindValue, "Cannot specify both ',' and '_'.")
	}
	if pos < len(spec) && spec[pos] == '.' {
		pos++
		if f.precision, n, err = specInt(spec, &pos); err != nil {
			return f, err
		}
		if n == 0 {
			return f, NewError(KindValue, "Format specifier missing precision")
		}
	}
	if len(spec)-pos > 1 {
		return f, Errorf(KindValue, "Invalid format specifier '%s' for object of type '%s'", spec, typeName)
	}
	if pos < len(spec) {
		f.typ = spec[pos]
	}
	if f.grouping != 0 {
		switch f.typ {
		case 'd', 'e', 'f', 'g', 'E', 'G', '%', 'F', 0:
		case 'b', 'o', 'x', 'X':
			if f.grouping == '_' {
				break
			}
			fallthrough
		default:
			return f, Errorf(KindValue, "Cannot specify '%c' with %s.", f.grouping, quoteType(f.typ))
		}
	}
	return f, nil
}

// specInt reads the digits at *pos: their value and how many there are.
func specInt(spec string, pos *int) (int, int, error) {
	v, n := 0, 0
	for *pos < len(spec) && spec[*pos] >= '0' && spec[*pos] <= '9' {
		v = v*10 + int(spec[*pos]-'0')
		if v > maxFormatWidth {
			return 0, 0, Errorf(KindValue, "format width or precision too large (at most %d)", maxFormatWidth)
		}
		*pos++
		n++
	}
	return v, n, nil
}

// quoteType writes a type code for a message: 'x', or '\x1' when it is not
// printable.
func quoteType(c byte) string {
	if c > 32 && c < 127 {
		return "'" + string(rune(c)) + "'"
	}
	return "'\\x" + strconv.FormatUint(uint64(c), 16) + "'"
}

func unknownCode(c byte, typeName string) error {
	return Errorf(KindValue, "Unknown format code %s for object of type '%s'", quoteType(c), typeName)
}

// FormatValue is format(v, spec).
func FormatValue(v Value, spec string) (string, error) {
	if spec == "" {
		return ToStr(v), nil
	}
	switch v.k {
	case KStr:
		return formatString(v.AsStr(), spec)
	case KInt:
		return formatInt(int64(v.n), spec, "int")
	case KBool:
		// bool formats as the int it is in Python, once there is a spec.
		n := int64(0)
		if v.Truthy() {
			n = 1
		}
		return formatInt(n, spec, "bool")
	case KFloat:
		f, err := parseFormatSpec(spec, "float", '>')
		if err != nil {
			return "", err
		}
		return formatFloat(v.AsFloat(), f, "float")
	}
	return "", Errorf(KindType, "cannot format %s with a format spec (only numbers and strings take one)", v.TypeName())
}

func formatString(s, spec string) (string, error) {
	f, err := parseFormatSpec(spec, "str", '<')
	if err != nil {
		return "", err
	}
	if f.typ != 's' && f.typ != 0 {
		return "", unknownCode(f.typ, "str")
	}
	switch {
	case f.grouping != 0:
		return "", Errorf(KindValue, "Cannot specify '%c' with 's'.", f.grouping)
	case f.sign == ' ':
		return "", NewError(KindValue, "Space not allowed in string format specifier")
	case f.sign != 0:
		return "", NewError(KindValue, "Sign not allowed in string format specifier")
	case f.noNegZero:
		return "", NewError(KindValue, "Negative zero coercion (z) not allowed in format specifier")
	case f.alt:
		return "", NewError(KindValue, "Alternate form (#) not allowed in string format specifier")
	case f.align == '=':
		return "", NewError(KindValue, "'=' alignment not allowed in string format specifier")
	}
	if f.precision >= 0 {
		// Keep the first precision characters (code points).
		i, n := 0, 0
		for i < len(s) && n < f.precision {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			n++
		}
		s = s[:i]
	}
	if f.align == 0 {
		f.align = '<'
	}
	return pad(f, "", s, utf8.RuneCountInString(s)), nil
}

// pad places body (n characters) and its sign or prefix in the width of f.
func pad(f fmtSpec, lead, body string, n int) string {
	n += len(lead)
	if f.width <= n {
		return lead + body
	}
	fill := strings.Repeat(string(f.fill), f.width-n)
	switch f.align {
	case '<':
		return lead + body + fill
	case '^':
		left := (f.width - n) / 2
		l := strings.Repeat(string(f.fill), left)
		r := strings.Repeat(string(f.fill), f.width-n-left)
		return l + lead + body + r
	case '=':
		return lead + fill + body
	}
	return fill + lead + body
}

func formatInt(n int64, spec string, typeName string) (string, error) {
	f, err := parseFormatSpec(spec, typeName, '>')
	if err != nil {
		return "", err
	}
	switch f.typ {
	case 'e', 'E', 'f', 'F', 'g', 'G', '%':
		return formatFloat(float64(n), f, typeName)
	case 0, 'd', 'n', 'b', 'o', 'x', 'X', 'c':
	default:
		return "", unknownCode(f.typ, typeName)
	}
	if f.precision >= 0 {
		return "", NewError(KindValue, "Precision not allowed in integer format specifier")
	}
	if f.noNegZero {
		return "", NewError(KindValue, "Negative zero coercion (z) not allowed in integer format specifier")
	}
	if f.align == 0 {
		f.align = '>'
	}
	if f.typ == 'c' {
		switch {
		case f.sign != 0:
			return "", NewError(KindValue, "Sign not allowed with integer format specifier 'c'")
		case f.alt:
			return "", NewError(KindValue, "Alternate form (#) not allowed with integer format specifier 'c'")
		case n < 0 || n > 0x10ffff:
			return "", NewError(KindValue, "%c arg not in range(0x110000)")
		}
		if n >= 0xd800 && n <= 0xdfff {
			return "", Errorf(KindValue, "%%c arg %d is a surrogate, which UTF-8 cannot encode", n)
		}
		return pad(f, "", string(rune(n)), 1), nil
	}
	neg := n < 0
	mag := uint64(n)
	if neg {
		mag = -mag
	}
	base, prefix, size := 10, "", 3
	switch f.typ {
	case 'b':
		base, prefix, size = 2, "0b", 4
	case 'o':
		base, prefix, size = 8, "0o", 4
	case 'x', 'X':
		base, prefix, size = 16, "0x", 4
	}
	digits := strconv.FormatUint(mag, base)
	if f.typ == 'X' {
		digits = strings.ToUpper(digits)
		prefix = "0X"
	}
	if !f.alt {
		prefix = ""
	}
	return assemble(f, neg, prefix, digits, "", size), nil
}

// signOf is the sign character a number gets.
func signOf(f fmtSpec, neg bool) string {
	switch {
	case neg:
		return "-"
	case f.sign == '+':
		return "+"
	case f.sign == ' ':
		return " "
	}
	return ""
}

// assemble lays out a number: sign, prefix, the integer digits (grouped when
// asked, and zero-padded through the grouping as Python does), then rest
// (a fraction, an exponent, a "%"), in the width.
func assemble(f fmtSpec, neg bool, prefix, digits, rest string, size int) string {
	lead := signOf(f, neg) + prefix
	if f.grouping != 0 {
		minWidth := 0
		if f.fill == '0' && f.align == '=' {
			minWidth = f.width - len(lead) - len(rest)
		}
		digits = group(digits, f.grouping, size, minWidth)
	}
	return pad(f, lead, digits+rest, len(digits)+len(rest))
}

// group inserts sep every size digits from the right, padding with zeros up
// to minWidth characters (CPython's _PyUnicode_InsertThousandsGrouping).
func group(digits string, sep byte, size, minWidth int) string {
	var parts []string // from the right
	remaining := len(digits)
	useSep := false
	for {
		l := min(size, max(remaining, minWidth, 1))
		zeros := max(0, l-remaining)
		chars := max(0, min(remaining, l))
		piece := strings.Repeat("0", zeros) + digits[remaining-chars:remaining]
		if useSep {
			piece += string(sep)
		}
		parts = append(parts, piece)
		useSep = true
		remaining -= chars
		minWidth -= l
		if remaining <= 0 && minWidth <= 0 {
			break
		}
		minWidth--
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(parts[i])
	}
	return b.String()
}

// formatFloat formats x (a float, or an int given a float type) as Python's
// float.__format__ does, digit for digit: strconv's conversions are
// correctly rounded, like Python's.
func formatFloat(x float64, f fmtSpec, typeName string) (string, error) {
	typ := f.typ
	switch typ {
	case 0, 'e', 'E', 'f', 'F', 'g', 'G', 'n', '%':
	default:
		return "", unknownCode(typ, typeName)
	}
	if f.align == 0 {
		f.align = '>'
	}
	addDot0 := false
	prec := f.precision
	if typ == 0 {
		addDot0 = true
		if prec < 0 {
			typ = 'r'
		} else {
			typ = 'g'
		}
	}
	if typ == 'n' {
		typ = 'g'
	}
	pct := ""
	if typ == '%' {
		typ = 'f'
		x *= 100
		pct = "%"
	}
	if prec < 0 {
		prec = 6
	}
	upper := typ == 'E' || typ == 'F' || typ == 'G'
	neg := math.Signbit(x) && !math.IsNaN(x)
	ax := math.Abs(x)
	var body string
	switch {
	case math.IsInf(x, 0):
		body = "inf"
	case math.IsNaN(x):
		body = "nan"
	default:
		switch typ {
		case 'f', 'F':
			body = strconv.FormatFloat(ax, 'f', prec, 64)
			if f.alt && prec == 0 {
				body += "."
			}
		case 'e', 'E':
			body = strconv.FormatFloat(ax, 'e', prec, 64)
			if f.alt && prec == 0 {
				i := strings.IndexByte(body, 'e')
				body = body[:i] + "." + body[i:]
			}
		case 'g', 'G':
			if prec == 0 {
				prec = 1
			}
			body = formatG(ax, prec, f.alt, addDot0)
		case 'r':
			body = formatG(ax, -1, f.alt, true)
		}
		if neg && f.noNegZero && strings.Trim(body, "0.e+-") == "" {
			neg = false // -0.0, or a value that rounds to zero
		}
	}
	if upper {
		body = strings.ToUpper(body)
	}
	// Split the integer digits (which grouping applies to) from the rest.
	i := 0
	for i < len(body) && body[i] >= '0' && body[i] <= '9' {
		i++
	}
	if i == 0 {
		// inf and nan: no digits to group or zero-pad through grouping.
		g := f
		g.grouping = 0
		return assemble(g, neg, "", "", body+pct, 3), nil
	}
	return assemble(f, neg, "", body[:i], body[i:]+pct, 3), nil
}

// formatG formats a finite non-negative x with prec significant digits
// (prec < 0: the shortest that reads back, as repr) the way Python's
// PyOS_double_to_string does for 'g' and 'r'.
func formatG(x float64, prec int, alt, addDot0 bool) string {
	// The digits and the decimal exponent, from strconv's correctly rounded
	// scientific form d.ddde±XX.
	e := strconv.FormatFloat(x, 'e', max(prec-1, -1), 64)
	k := strings.IndexByte(e, 'e')
	exp, _ := strconv.Atoi(e[k+1:])
	digits := strings.Replace(e[:k], ".", "", 1)
	digits = strings.TrimRight(digits, "0")
	if digits == "" {
		digits = "0"
	}
	decpt := exp + 1
	if x == 0 {
		decpt = 1
	}
	useExp := false
	if prec < 0 {
		useExp = decpt <= -4 || decpt > 16
	} else {
		limit := prec
		if addDot0 {
			limit = prec - 1
		}
		useExp = decpt <= -4 || decpt > limit
		if alt && len(digits) < prec {
			digits += strings.Repeat("0", prec-len(digits))
		}
	}
	var b strings.Builder
	if useExp {
		b.WriteByte(digits[0])
		if len(digits) > 1 || alt {
			b.WriteByte('.')
			b.WriteString(digits[1:])
		}
		b.WriteByte('e')
		ex := decpt - 1
		if ex < 0 {
			b.WriteByte('-')
			ex = -ex
		} else {
			b.WriteByte('+')
		}
		if ex < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.Itoa(ex))
		return b.String()
	}
	switch {
	case decpt <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -decpt))
		b.WriteString(digits)
	case decpt >= len(digits):
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", decpt-len(digits)))
		if alt || addDot0 {
			b.WriteByte('.')
			if addDot0 {
				b.WriteByte('0')
			}
		}
	default:
		b.WriteString(digits[:decpt])
		b.WriteByte('.')
		b.WriteString(digits[decpt:])
	}
	return b.String()
}

// formatField runs FORMAT: the value (and its spec, when flags bit 0 says so)
// on top of the stack below sp becomes the text of an f-string field.
func (t *Task) formatField(flags, sp int) error {
	s := t.stack
	x := s[sp-1-flags&1]
	switch {
	case flags&2 != 0:
		x = Str(Repr(x))
	case flags&4 != 0 && x.k != KStr:
		x = Str(ToStr(x))
	}
	var out string
	if flags&1 != 0 {
		spec := s[sp-1]
		if spec.k != KStr {
			return Errorf(KindType, "an f-string format spec must be a string, not %s", spec.TypeName())
		}
		var err error
		if out, err = FormatValue(x, spec.AsStr()); err != nil {
			return err
		}
	} else if x.k == KStr {
		out = x.AsStr()
	} else {
		out = ToStr(x)
	}
	r := Str(out)
	if e := t.chargeValue(r); e != nil {
		return e
	}
	s[sp-1-flags&1] = r
	return nil
}

func builtinFormat(t *Task, args []Value) (Value, error) {
	if err := CheckArgs("format", args, 1, 2); err != nil {
		return Nil, err
	}
	spec := ""
	if len(args) == 2 {
		if args[1].k != KStr {
			return Nil, TypeArgError("format", 2, "a string", args[1])
		}
		spec = args[1].AsStr()
	}
	s, err := FormatValue(args[0], spec)
	if err != nil {
		return Nil, err
	}
	r := Str(s)
	if e := t.chargeValue(r); e != nil {
		return Nil, e
	}
	return r, nil
}
