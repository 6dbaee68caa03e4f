package url

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

func Module(*vm.Machine) (vm.Value, error) {
	return vm.NewNativeModule("url", map[string]vm.Value{
		"parse":   vm.NewNative("parse", urlParse),
		"join":    vm.NewNative("join", urlJoin),
		"quote":   vm.NewNative("quote", urlQuote),
		"unquote": vm.NewNative("unquote", urlUnquote),
		"encode_query": vm.NewNative("encode_query", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			return EncodeQueryNative("url.encode_query", args)
		}),
		"decode_query": vm.NewNative("decode_query", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			return DecodeQueryNative("url.decode_query", args)
		}),
	}), nil
}

// urlRef is a URI reference split into the five parts of RFC 3986
// (section 3), remembering which optional parts were present at all.
type urlRef struct {
	scheme, authority, path, query, fragment string
	hasAuthority, hasQuery, hasFragment      bool
}

func isSchemeChar(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	case first:
		return false
	}
	return c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

// splitURL splits s by the grammar of RFC 3986 appendix B, taking a scheme
// only when it is made of scheme characters (as Python's urlsplit does).
// Tabs and newlines are removed first, as Python and browsers do.
func splitURL(s string) urlRef {
	if strings.ContainsAny(s, "\t\r\n") {
		s = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(s)
	}
	var r urlRef
	if i := strings.IndexAny(s, ":/?#"); i > 0 && s[i] == ':' {
		ok := true
		for j := 0; j < i; j++ {
			if !isSchemeChar(s[j], j == 0) {
				ok = false
				break
			}
		}
		if ok {
			r.scheme, s = strings.ToLower(s[:i]), s[i+1:]
		}
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		r.fragment, r.hasFragment, s = s[i+1:], true, s[:i]
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		r.query, r.hasQuery, s = s[i+1:], true, s[:i]
	}
	if strings.HasPrefix(s, "//") {
		s = s[2:]
		i := strings.IndexByte(s, '/')
		if i < 0 {
			i = len(s)
		}
		r.authority, r.hasAuthority, s = s[:i], true, s[i:]
	}
	r.path = s
	return r
}

// String recomposes the parts (RFC 3986 section 5.3).
func (r *urlRef) String() string {
	var b strings.Builder
	if r.scheme != "" {
		b.WriteString(r.scheme)
		b.WriteByte(':')
	}
	if r.hasAuthority {
		b.WriteString("//")
		b.WriteString(r.authority)
	}
	b.WriteString(r.path)
	if r.hasQuery {
		b.WriteByte('?')
		b.WriteString(r.query)
	}
	if r.hasFragment {
		b.WriteByte('#')
		b.WriteString(r.fragment)
	}
	return b.String()
}

func urlParse(t *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "url.parse"
	var s string
	if err := vm.UnpackArgs(fn, args, "s", &s); err != nil {
		return vm.Nil, err
	}
	r := splitURL(s)
	var user, password, host string
	port := vm.Nil
	hostport := r.authority
	if i := strings.LastIndexByte(hostport, '@'); i >= 0 {
		user, password, _ = strings.Cut(hostport[:i], ":")
		hostport = hostport[i+1:]
	}
	var portText string
	hasPort := false
	if strings.HasPrefix(hostport, "[") {
		end := strings.IndexByte(hostport, ']')
		if end < 0 {
			return vm.Nil, vm.Errorf(vm.KindValue, "%s: invalid IPv6 host (no closing ]) in %s", fn, strconv.Quote(s))
		}
		host = hostport[1:end]
		rest := hostport[end+1:]
		if rest != "" && rest[0] != ':' {
			return vm.Nil, vm.Errorf(vm.KindValue, "%s: unexpected %s after the IPv6 host in %s", fn, strconv.Quote(rest), strconv.Quote(s))
		}
		if rest != "" {
			portText, hasPort = rest[1:], true
		}
		if !validBracketHost(host) {
			return vm.Nil, vm.Errorf(vm.KindValue, "%s: %s is not an IPv6 address in %s", fn, strconv.Quote(host), strconv.Quote(s))
		}
	} else {
		if strings.ContainsAny(hostport, "[]") {
			return vm.Nil, vm.Errorf(vm.KindValue, "%s: invalid IPv6 host (unbalanced brackets) in %s", fn, strconv.Quote(s))
		}
		host, portText, hasPort = strings.Cut(hostport, ":")
	}
	if hasPort && portText != "" {
		n := 0
		for i := 0; i < len(portText); i++ {
			c := portText[i]
			if c < '0' || c > '9' {
				return vm.Nil, vm.Errorf(vm.KindValue, "%s: port %s is not a number in %s", fn, strconv.Quote(portText), strconv.Quote(s))
			}
			if n = n*10 + int(c-'0'); n > 65535 {
				return vm.Nil, vm.Errorf(vm.KindValue, "%s: port %s is out of range 0-65535 in %s", fn, portText, strconv.Quote(s))
			}
		}
		port = vm.Int(int64(n))
	}
	m := vm.NewMap(8)
	m.SetStr("scheme", vm.Str(r.scheme))
	m.SetStr("user", vm.Str(user))
	m.SetStr("password", vm.Str(password))
	m.SetStr("host", vm.Str(asciiLower(host)))
	m.SetStr("port", port)
	m.SetStr("path", vm.Str(r.path))
	m.SetStr("query", vm.Str(r.query))
	m.SetStr("fragment", vm.Str(r.fragment))
	return vm.MapValue(m), nil
}

// validBracketHost says whether the text between [ and ] is an IPv6 address
// (with an optional zone) or an IPvFuture literal ("v1.x").
func validBracketHost(h string) bool {
	if len(h) > 0 && (h[0] == 'v' || h[0] == 'V') {
		dot := strings.IndexByte(h, '.')
		if dot < 2 || dot == len(h)-1 {
			return false
		}
		for i := 1; i < dot; i++ {
			if _, ok := modutil.UnhexDigit(h[i]); !ok {
				return false
			}
		}
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.Is6()
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func urlJoin(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "url.join"
	var base, ref string
	if err := vm.UnpackArgs(fn, args, "base", &base, "ref", &ref); err != nil {
		return vm.Nil, err
	}
	return vm.Str(resolveURL(base, ref)), nil
}

// resolveURL resolves ref against base by RFC 3986 section 5.2.2 (strict:
// a ref with a scheme is taken as it is, even when the scheme is the base's).
func resolveURL(base, ref string) string {
	b, r := splitURL(base), splitURL(ref)
	var t urlRef
	switch {
	case r.scheme != "":
		t = r
		t.path = removeDotSegments(r.path)
	case r.hasAuthority:
		t = r
		t.scheme = b.scheme
		t.path = removeDotSegments(r.path)
	default:
		t.scheme = b.scheme
		t.authority, t.hasAuthority = b.authority, b.hasAuthority
		switch {
		case r.path == "":
			t.path = b.path
			if r.hasQuery {
				t.query, t.hasQuery = r.query, true
			} else {
				t.query, t.hasQuery = b.query, b.hasQuery
			}
		case r.path[0] == '/':
			t.path = removeDotSegments(r.path)
			t.query, t.hasQuery = r.query, r.hasQuery
		default:
			// Merge (section 5.2.3).
			var merged string
			if b.hasAuthority && b.path == "" {
				merged = "/" + r.path
			} else {
				merged = b.path[:strings.LastIndexByte(b.path, '/')+1] + r.path
			}
			t.path = removeDotSegments(merged)
			t.query, t.hasQuery = r.query, r.hasQuery
		}
	}
	t.fragment, t.hasFragment = r.fragment, r.hasFragment
	return t.String()
}

// removeDotSegments is RFC 3986 section 5.2.4.
func removeDotSegments(in string) string {
	if !strings.Contains(in, ".") {
		return in
	}
	out := make([]byte, 0, len(in))
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../") || in == "/..":
			if in == "/.." {
				in = "/"
			} else {
				in = in[3:]
			}
			if i := strings.LastIndexByte(string(out), '/'); i >= 0 {
				out = out[:i]
			} else {
				out = out[:0]
			}
		case in == "." || in == "..":
			in = ""
		default:
			i := 0
			if in[0] == '/' {
				i = 1
			}
			j := strings.IndexByte(in[i:], '/')
			if j < 0 {
				j = len(in)
			} else {
				j += i
			}
			out = append(out, in[:j]...)
			in = in[j:]
		}
	}
	return string(out)
}

// isUnreserved is RFC 3986's unreserved set, never quoted.
func isUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func urlQuote(t *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "url.quote"
	var s string
	safe := "/"
	if err := vm.UnpackArgs(fn, args, "s", &s, "safe?", &safe); err != nil {
		return vm.Nil, err
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	if err := t.Charge(b.Len()); err != nil {
		return vm.Nil, err
	}
	return vm.Str(b.String()), nil
}

// urlUnquote decodes %XX escapes; a "%" not followed by two hex digits stays
// as it is (as in Python). "+" is not a space here (that is decode_query).
func urlUnquote(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "url.unquote"
	var s string
	if err := vm.UnpackArgs(fn, args, "s", &s); err != nil {
		return vm.Nil, err
	}
	if strings.IndexByte(s, '%') < 0 {
		return args[0], nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := modutil.UnhexDigit(s[i+1])
			lo, ok2 := modutil.UnhexDigit(s[i+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return vm.Str(string(out)), nil
}
