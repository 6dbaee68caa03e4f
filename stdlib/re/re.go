package re

import (
	_ "embed"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
)

// regex is a compiled pattern (re.compile). Matching is Go's regexp (RE2:
// linear time); the Python-style results, replacement templates and
// iteration rules are built on top here.
type regex struct {
	re       *regexp.Regexp
	pattern  string
	flags    string
	src      string // pattern with its flags, as compiled
	ngroups  int
	names    map[string]int
	nameList []string // per group number, "" when unnamed
	// needsCtx: the pattern looks behind the position it starts at (^, \A,
	// \b, \B), so searching a suffix of the subject is not the same as
	// searching the subject from a position.
	needsCtx bool
	// canBeEmpty: some match may be empty (the minimum length is 0).
	canBeEmpty bool
	// fast is the byte set of a pattern that is one ASCII class repeated
	// greedily ([A-Za-z]+, \w+), whose matches are the runs of its bytes.
	fast *[256]bool

	once     sync.Mutex
	anchored *regexp.Regexp // \A(?:P)
	full     *regexp.Regexp // \A(?:P)\z
	ctx      *regexp.Regexp // (?s:.)(P): search with one character of context
	ctxAnch  *regexp.Regexp // \A(?s:.)(P)
}

func (*regex) TypeName() string { return "regex" }

func (r *regex) String() string {
	if r.flags == "" {
		return "re.compile(" + vm.Repr(vm.Str(r.pattern)) + ")"
	}
	return "re.compile(" + vm.Repr(vm.Str(r.pattern)) + ", " + vm.Repr(vm.Str(r.flags)) + ")"
}

// compileRegex compiles pattern with flags (any of "i", "m", "s").
func compileRegex(fn, pattern, flags string) (*regex, error) {
	var fl [3]bool
	for i := 0; i < len(flags); i++ {
		switch flags[i] {
		case 'i':
			fl[0] = true
		case 'm':
			fl[1] = true
		case 's':
			fl[2] = true
		default:
			return nil, vm.Errorf(vm.KindValue, "%s: unknown flag %s (flags are any of \"i\", \"m\", \"s\")", fn, strconv.Quote(flags[i:i+1]))
		}
	}
	prefix := ""
	for i, c := range "ims" {
		if fl[i] {
			prefix += string(c)
		}
	}
	src := pattern
	if prefix != "" {
		src = "(?" + prefix + ")" + pattern
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, vm.Errorf(vm.KindValue, "%s: %s", fn, err.Error())
	}
	r := &regex{re: re, pattern: pattern, flags: prefix, src: src, ngroups: re.NumSubexp()}
	r.nameList = re.SubexpNames()
	for i, n := range r.nameList {
		if n != "" {
			if r.names == nil {
				r.names = map[string]int{}
			}
			if _, dup := r.names[n]; !dup {
				r.names[n] = i
			}
		}
	}
	if tree, err := syntax.Parse(src, syntax.Perl); err == nil {
		r.needsCtx = looksBehind(tree)
		r.canBeEmpty = minLen(tree) == 0
		r.fast = classRun(tree.Simplify())
	} else {
		r.needsCtx, r.canBeEmpty = true, true
	}
	return r, nil
}

func looksBehind(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, sub := range re.Sub {
		if looksBehind(sub) {
			return true
		}
	}
	return false
}

// minLen is the fewest bytes a match of re can have (capped, so that
// repetitions cannot overflow).
func minLen(re *syntax.Regexp) int {
	const big = 1 << 20
	switch re.Op {
	case syntax.OpNoMatch:
		return big
	case syntax.OpLiteral:
		n := 0
		for _, c := range re.Rune {
			n += utf8.RuneLen(c)
		}
		return n
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minLen(re.Sub[0])
	case syntax.OpRepeat:
		return min(re.Min*minLen(re.Sub[0]), big)
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n = min(n+minLen(sub), big)
		}
		return n
	case syntax.OpAlternate:
		n := big
		for _, sub := range re.Sub {
			n = min(n, minLen(sub))
		}
		return n
	}
	return 0 // empty-width assertions, empty match, star, quest
}

// classRun returns the byte set of a pattern that is a greedy + of a class
// of ASCII characters only, or nil. For such a pattern every match is a
// maximal run of bytes in the set (a byte of a multi-byte or invalid UTF-8
// sequence is never in it), which a byte scan finds much faster than the
// regexp machine.
func classRun(re *syntax.Regexp) *[256]bool {
	if re.Op != syntax.OpPlus || re.Flags&syntax.NonGreedy != 0 {
		return nil
	}
	c := re.Sub[0]
	var ranges []rune
	switch c.Op {
	case syntax.OpCharClass:
		ranges = c.Rune
	case syntax.OpLiteral:
		if len(c.Rune) != 1 || c.Flags&syntax.FoldCase != 0 {
			return nil
		}
		ranges = []rune{c.Rune[0], c.Rune[0]}
	default:
		return nil
	}
	var set [256]bool
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i] < 0 || ranges[i+1] > 0x7f {
			return nil
		}
		for b := ranges[i]; b <= ranges[i+1]; b++ {
			set[b] = true
		}
	}
	return &set
}

// variant compiles the pattern between prefix and suffix once. The pattern
// compiles alone, so a wrapped one fails only when the pattern ends in an
// unterminated \Q quote, which would take the suffix in: \E ends it first.
func (r *regex) variant(p **regexp.Regexp, prefix, suffix string) *regexp.Regexp {
	r.once.Lock()
	defer r.once.Unlock()
	if *p == nil {
		re, err := regexp.Compile(prefix + r.src + suffix)
		if err != nil {
			re = regexp.MustCompile(prefix + r.src + `\E` + suffix)
		}
		*p = re
	}
	return *p
}

// shift adds d to every position of idx that is not -1.
func shift(idx []int, d int) []int {
	if idx == nil || d == 0 {
		return idx
	}
	for i, x := range idx {
		if x >= 0 {
			idx[i] = x + d
		}
	}
	return idx
}

// contextStart is where a search from pos looks from when the pattern needs
// the character before pos: the start of that character, or -1 when pos is
// inside a UTF-8 sequence (then the suffix alone is searched).
func contextStart(s string, pos int) int {
	_, w := utf8.DecodeLastRuneInString(s[:pos])
	if _, w2 := utf8.DecodeRuneInString(s[pos-w:]); w2 != w {
		return -1
	}
	return pos - w
}

// searchAt finds the first match in s at or after pos, as Python's
// pattern.search(s, pos): ^, \A and \b see the text before pos.
func (r *regex) searchAt(s string, pos int) []int {
	if pos <= 0 {
		return r.re.FindStringSubmatchIndex(s)
	}
	pos = min(pos, len(s))
	if r.needsCtx {
		if c := contextStart(s, pos); c >= 0 {
			re := r.ctx
			if re == nil {
				re = r.variant(&r.ctx, "(?s:.)(", ")")
			}
			idx := re.FindStringSubmatchIndex(s[c:])
			if idx == nil {
				return nil
			}
			return shift(idx[2:], c)
		}
	}
	return shift(r.re.FindStringSubmatchIndex(s[pos:]), pos)
}

// matchAt matches at pos only, as Python's pattern.match(s, pos).
func (r *regex) matchAt(s string, pos int) []int {
	pos = max(0, min(pos, len(s)))
	if pos > 0 && r.needsCtx {
		if c := contextStart(s, pos); c >= 0 {
			re := r.ctxAnch
			if re == nil {
				re = r.variant(&r.ctxAnch, `\A(?s:.)(`, ")")
			}
			idx := re.FindStringSubmatchIndex(s[c:])
			if idx == nil {
				return nil
			}
			return shift(idx[2:], c)
		}
	}
	re := r.anchored
	if re == nil {
		re = r.variant(&r.anchored, `\A(?:`, ")")
	}
	return shift(re.FindStringSubmatchIndex(s[pos:]), pos)
}

func (r *regex) fullmatch(s string) []int {
	re := r.full
	if re == nil {
		re = r.variant(&r.full, `\A(?:`, `)\z`)
	}
	return re.FindStringSubmatchIndex(s)
}

// each calls f with the successive matches in s, at most limit of them
// (limit < 0: all), by Python's rules: matches do not overlap; an empty
// match may touch the match before it; after an empty match the next search
// starts one character later.
func (r *regex) each(s string, limit int, f func(idx []int)) {
	if limit == 0 {
		return
	}
	if !r.canBeEmpty {
		// No match is empty: Go's iteration gives the same matches.
		for _, idx := range r.re.FindAllStringSubmatchIndex(s, limit) {
			f(idx)
		}
		return
	}
	pos, n := 0, 0
	for pos <= len(s) {
		idx := r.searchAt(s, pos)
		if idx == nil {
			return
		}
		f(idx)
		if n++; n == limit {
			return
		}
		if idx[1] > idx[0] {
			pos = idx[1]
			continue
		}
		if idx[1] >= len(s) {
			return
		}
		_, w := utf8.DecodeRuneInString(s[idx[1]:])
		pos = idx[1] + w
	}
}

// groupStr is group g of a match, or nil when it did not take part.
func groupStr(s string, idx []int, g int) vm.Value {
	if idx[2*g] < 0 {
		return vm.Nil
	}
	return vm.Str(s[idx[2*g]:idx[2*g+1]])
}

func (r *regex) findAll(t *vm.Task, s string) (vm.Value, error) {
	var out []vm.Value
	if r.fast != nil {
		set := r.fast
		for i := 0; i < len(s); {
			if !set[s[i]] {
				i++
				continue
			}
			j := i + 1
			for j < len(s) && set[s[j]] {
				j++
			}
			out = append(out, vm.Str(s[i:j]))
			i = j
		}
	} else {
		r.each(s, -1, func(idx []int) {
			switch r.ngroups {
			case 0:
				out = append(out, vm.Str(s[idx[0]:idx[1]]))
			case 1:
				out = append(out, vm.Str(s[max(idx[2], 0):max(idx[3], 0)]))
			default:
				gs := make([]vm.Value, r.ngroups)
				for g := 1; g <= r.ngroups; g++ {
					gs[g-1] = vm.Str(s[max(idx[2*g], 0):max(idx[2*g+1], 0)])
				}
				out = append(out, vm.NewList(gs))
			}
		})
	}
	if out == nil {
		out = []vm.Value{}
	}
	per := 24
	if r.ngroups > 1 {
		per += 24 * (r.ngroups + 2)
	}
	if err := t.Charge(len(out) * per); err != nil {
		return vm.Nil, err
	}
	return vm.NewList(out), nil
}

func (r *regex) split(t *vm.Task, s string, maxsplit int64) (vm.Value, error) {
	out := []vm.Value{}
	if maxsplit < 0 {
		return vm.NewList([]vm.Value{vm.Str(s)}), nil
	}
	last := 0
	limit := -1
	if maxsplit > 0 && maxsplit < int64(len(s)+2) {
		limit = int(maxsplit)
	}
	r.each(s, limit, func(idx []int) {
		out = append(out, vm.Str(s[last:idx[0]]))
		for g := 1; g <= r.ngroups; g++ {
			out = append(out, groupStr(s, idx, g))
		}
		last = idx[1]
	})
	out = append(out, vm.Str(s[last:]))
	if err := t.Charge(cap(out) * 24); err != nil {
		return vm.Nil, err
	}
	return vm.NewList(out), nil
}

// tmplPart is a piece of a replacement template: a literal, or group g.
type tmplPart struct {
	lit   string
	group int // -1: literal
}

func isIdent(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isOct(c byte) bool { return c >= '0' && c <= '7' }

// parseTemplate reads a replacement template by Python's rules (re's
// parse_template): \1 to \99 and \g<n> or \g<name> are groups; \0 and
// three-digit \ooo are octal escapes; \a \b \f \n \r \t \v \\ are the usual
// characters; another backslash before an ASCII letter is an error, and
// before anything else stays as it is.
func (r *regex) parseTemplate(fn, tmpl string) ([]tmplPart, error) {
	var parts []tmplPart
	var lit []byte
	bad := func(format string, args ...any) error {
		return vm.Errorf(vm.KindValue, "%s: bad replacement template %s: %s", fn, strconv.Quote(tmpl), fmt.Sprintf(format, args...))
	}
	addGroup := func(g int) {
		if len(lit) > 0 {
			parts = append(parts, tmplPart{lit: string(lit), group: -1})
			lit = lit[:0]
		}
		parts = append(parts, tmplPart{group: g})
	}
	if strings.IndexByte(tmpl, '\\') < 0 {
		return []tmplPart{{lit: tmpl, group: -1}}, nil
	}
	for i := 0; i < len(tmpl); {
		c := tmpl[i]
		if c != '\\' {
			lit = append(lit, c)
			i++
			continue
		}
		if i+1 >= len(tmpl) {
			return nil, bad("bad escape (end of template)")
		}
		c = tmpl[i+1]
		i += 2
		switch {
		case c == 'g':
			if i >= len(tmpl) || tmpl[i] != '<' {
				return nil, bad("missing < after \\g")
			}
			end := strings.IndexByte(tmpl[i+1:], '>')
			if end < 0 {
				return nil, bad("missing >, unterminated group name")
			}
			name := tmpl[i+1 : i+1+end]
			i += end + 2
			if name == "" {
				return nil, bad("missing group name")
			}
			var g int
			if isIdent(name) {
				n, ok := r.names[name]
				if !ok {
					return nil, vm.Errorf(vm.KindIndex, "%s: unknown group name %s", fn, strconv.Quote(name))
				}
				g = n
			} else {
				for j := 0; j < len(name); j++ {
					if name[j] < '0' || name[j] > '9' {
						return nil, bad("bad character in group name %s", strconv.Quote(name))
					}
				}
				n, err := strconv.Atoi(name)
				if err != nil || n > r.ngroups {
					return nil, bad("invalid group reference %s", name)
				}
				g = n
			}
			addGroup(g)
		case c == '0':
			v := 0
			for k := 0; k < 2 && i < len(tmpl) && isOct(tmpl[i]); k++ {
				v = v*8 + int(tmpl[i]-'0')
				i++
			}
			lit = append(lit, byte(v))
		case c >= '1' && c <= '9':
			g := int(c - '0')
			if i < len(tmpl) && tmpl[i] >= '0' && tmpl[i] <= '9' {
				d := tmpl[i]
				i++
				if isOct(c) && isOct(d) && i < len(tmpl) && isOct(tmpl[i]) {
					v := int(c-'0')*64 + int(d-'0')*8 + int(tmpl[i]-'0')
					i++
					if v > 0o377 {
						return nil, bad("octal escape value \\%o outside of range 0-0o377", v)
					}
					lit = append(lit, byte(v))
					continue
				}
				g = g*10 + int(d-'0')
			}
			if g > r.ngroups {
				return nil, bad("invalid group reference %d", g)
			}
			addGroup(g)
		default:
			if e := strings.IndexByte("abfnrtv\\", c); e >= 0 {
				lit = append(lit, "\a\b\f\n\r\t\v\\"[e])
			} else if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				return nil, bad("bad escape \\%c", c)
			} else {
				lit = append(lit, '\\', c)
			}
		}
	}
	if len(lit) > 0 {
		parts = append(parts, tmplPart{lit: string(lit), group: -1})
	}
	return parts, nil
}

func (r *regex) subTemplate(t *vm.Task, fn, tmpl, s string, count int64) (vm.Value, error) {
	parts, err := r.parseTemplate(fn, tmpl)
	if err != nil {
		return vm.Nil, err
	}
	if count < 0 {
		return vm.Str(s), nil
	}
	limit := -1
	if count > 0 && count < int64(len(s)+2) {
		limit = int(count)
	}
	var b strings.Builder
	last, n := 0, 0
	r.each(s, limit, func(idx []int) {
		n++
		b.WriteString(s[last:idx[0]])
		for _, p := range parts {
			if p.group < 0 {
				b.WriteString(p.lit)
			} else if idx[2*p.group] >= 0 {
				b.WriteString(s[idx[2*p.group]:idx[2*p.group+1]])
			}
		}
		last = idx[1]
	})
	if n == 0 {
		return vm.Str(s), nil
	}
	b.WriteString(s[last:])
	if err := t.Charge(b.Len()); err != nil {
		return vm.Nil, err
	}
	return vm.Str(b.String()), nil
}

// matchValue makes a match object of idx (nil: no match gives nil).
func (r *regex) matchValue(s string, idx []int) vm.Value {
	if idx == nil {
		return vm.Nil
	}
	return vm.ObjectValue(&match{rx: r, s: s, idx: idx})
}

var regexMethods = map[string]bool{"search": true, "match": true, "fullmatch": true, "find_all": true, "sub": true, "split": true}

func (r *regex) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "pattern":
		return vm.Str(r.pattern), nil
	case "flags":
		return vm.Str(r.flags), nil
	case "groups":
		return vm.Int(int64(r.ngroups)), nil
	}
	if regexMethods[name] {
		return modutil.BoundMethod(r, name), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "regex has no field or method %s", name)
}

func (r *regex) CallMethod(t *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	if !regexMethods[name] {
		return vm.Nil, false, nil
	}
	v, err := r.call(t, name, "regex."+name, args)
	return v, true, err
}

// reArgs holds the arguments of a regex operation after the pattern.
type reArgs struct {
	s    string
	pos  int64 // search and match
	n    int64 // split's maxsplit, sub's count
	repl vm.Value
}

// params are the parameters of operation name after the pattern, as pairs
// for vm.UnpackArgs; the module-level search and match take no pos.
func (a *reArgs) params(name string, method bool) []any {
	switch name {
	case "search", "match":
		if method {
			return []any{"s", &a.s, "pos?", &a.pos}
		}
	case "split":
		return []any{"s", &a.s, "maxsplit?", &a.n}
	case "sub":
		return []any{"repl", vm.Check("a string or a function", a.setRepl), "s", &a.s, "count?", &a.n}
	}
	return []any{"s", &a.s}
}

// setRepl reads sub's replacement: a template string or a function.
func (a *reArgs) setRepl(v vm.Value) bool {
	a.repl = v
	k := v.Kind()
	return k == vm.KStr || k == vm.KFunc || k == vm.KNative
}

// call runs method name with its arguments (the subject string first).
func (r *regex) call(t *vm.Task, name, fn string, args []vm.Value) (vm.Value, error) {
	var a reArgs
	if err := vm.UnpackArgs(fn, args, a.params(name, true)...); err != nil {
		return vm.Nil, err
	}
	return r.run(t, name, fn, &a)
}

// run does operation name with its arguments read.
func (r *regex) run(t *vm.Task, name, fn string, a *reArgs) (vm.Value, error) {
	pos := int(max(min(a.pos, 1<<48), -1))
	switch name {
	case "search":
		return r.matchValue(a.s, r.searchAt(a.s, max(pos, 0))), nil
	case "match":
		return r.matchValue(a.s, r.matchAt(a.s, pos)), nil
	case "fullmatch":
		return r.matchValue(a.s, r.fullmatch(a.s)), nil
	case "find_all":
		return r.findAll(t, a.s)
	case "split":
		return r.split(t, a.s, a.n)
	case "sub":
		if a.repl.Kind() == vm.KStr {
			return r.subTemplate(t, fn, a.repl.AsStr(), a.s, a.n)
		}
		return r.subFunc(t, fn, a.repl, a.s, a.n)
	}
	return vm.Nil, vm.Errorf(vm.KindType, "regex has no method %s", name)
}

// match is the result of a successful search.
type match struct {
	rx  *regex
	s   string
	idx []int
}

func (*match) TypeName() string { return "match" }

func (m *match) String() string {
	return "<match span=[" + strconv.Itoa(m.idx[0]) + ", " + strconv.Itoa(m.idx[1]) + "] match=" + vm.Repr(vm.Str(m.s[m.idx[0]:m.idx[1]])) + ">"
}

var matchMethods = map[string]bool{"group": true, "groups": true, "named": true, "start": true, "end": true, "span": true}

func (m *match) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	switch name {
	case "string":
		return vm.Str(m.s), nil
	case "regex":
		return vm.ObjectValue(m.rx), nil
	}
	if matchMethods[name] {
		return modutil.BoundMethod(m, name), nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "match has no field or method %s", name)
}

// groupIndex resolves a group given by number or name.
func (m *match) groupIndex(fn string, v vm.Value) (int, error) {
	switch v.Kind() {
	case vm.KInt:
		g := v.AsInt()
		if g < 0 || g > int64(m.rx.ngroups) {
			return 0, vm.Errorf(vm.KindIndex, "%s: no such group %d (the pattern has %d)", fn, g, m.rx.ngroups)
		}
		return int(g), nil
	case vm.KStr:
		g, ok := m.rx.names[v.AsStr()]
		if !ok {
			return 0, vm.Errorf(vm.KindIndex, "%s: no such group %s", fn, strconv.Quote(v.AsStr()))
		}
		return g, nil
	}
	return 0, vm.Errorf(vm.KindType, "%s: a group is an int or a name, not %s", fn, v.TypeName())
}

func (m *match) CallMethod(t *vm.Task, name string, args []vm.Value) (vm.Value, bool, error) {
	if !matchMethods[name] {
		return vm.Nil, false, nil
	}
	fn := "match." + name
	switch name {
	case "group":
		var groups []vm.Value // each an int or a name: groupIndex reads it
		if err := vm.UnpackArgs(fn, args, "*groups", &groups); err != nil {
			return vm.Nil, true, err
		}
		if len(groups) <= 1 {
			g := 0
			if len(groups) == 1 {
				var err error
				if g, err = m.groupIndex(fn, groups[0]); err != nil {
					return vm.Nil, true, err
				}
			}
			return groupStr(m.s, m.idx, g), true, nil
		}
		out := make([]vm.Value, len(groups))
		for i, a := range groups {
			g, err := m.groupIndex(fn, a)
			if err != nil {
				return vm.Nil, true, err
			}
			out[i] = groupStr(m.s, m.idx, g)
		}
		return vm.NewList(out), true, nil
	case "groups", "named":
		dflt := vm.Nil
		if err := vm.UnpackArgs(fn, args, "default?", &dflt); err != nil {
			return vm.Nil, true, err
		}
		get := func(g int) vm.Value {
			if m.idx[2*g] < 0 {
				return dflt
			}
			return vm.Str(m.s[m.idx[2*g]:m.idx[2*g+1]])
		}
		if name == "groups" {
			out := make([]vm.Value, m.rx.ngroups)
			for g := range out {
				out[g] = get(g + 1)
			}
			return vm.NewList(out), true, nil
		}
		out := vm.NewMap(len(m.rx.names))
		for g, n := range m.rx.nameList {
			if n != "" && m.rx.names[n] == g {
				out.SetStr(n, get(g))
			}
		}
		return vm.MapValue(out), true, nil
	}
	// start, end, span
	group := vm.Int(0) // an int or a name: groupIndex reads it
	if err := vm.UnpackArgs(fn, args, "group?", &group); err != nil {
		return vm.Nil, true, err
	}
	g, err := m.groupIndex(fn, group)
	if err != nil {
		return vm.Nil, true, err
	}
	a, b := vm.Int(int64(m.idx[2*g])), vm.Int(int64(m.idx[2*g+1]))
	switch name {
	case "start":
		return a, true, nil
	case "end":
		return b, true, nil
	}
	return vm.NewList([]vm.Value{a, b}), true, nil
}

// regexCache keeps the patterns the module-level functions compiled, per
// machine (a bounded map, emptied when full).
type regexCache struct {
	m map[[2]string]*regex
}

const regexCacheSize = 256

// get is the regex of pattern (a string, compiled with flags fl, or a
// regex) for fn.
func (c *regexCache) get(fn string, pattern vm.Value, fl string) (*regex, error) {
	if pattern.Kind() == vm.KObject {
		r := pattern.AsObject().(*regex) // the only object patternArg lets through
		if fl != "" {
			return nil, vm.Errorf(vm.KindValue, "%s: flags cannot be given with a compiled regex", fn)
		}
		return r, nil
	}
	key := [2]string{fl, pattern.AsStr()}
	if r, ok := c.m[key]; ok {
		return r, nil
	}
	r, err := compileRegex(fn, pattern.AsStr(), fl)
	if err != nil {
		return nil, err
	}
	if c.m == nil || len(c.m) >= regexCacheSize {
		c.m = map[[2]string]*regex{}
	}
	c.m[key] = r
	return r, nil
}

// patternArg is the destination of a pattern for vm.UnpackArgs: a string or
// a regex.
func patternArg(v *vm.Value) any {
	return vm.Check("a string or a regex", func(x vm.Value) bool {
		*v = x
		if x.Kind() == vm.KObject {
			_, ok := x.AsObject().(*regex)
			return ok
		}
		return x.Kind() == vm.KStr
	})
}

func Module(*vm.Machine) (vm.Value, error) {
	cache := &regexCache{}
	// def is a module-level function: the pattern, then the method's
	// arguments, then optional flags.
	def := func(name string) vm.Value {
		fn := "re." + name
		return vm.NewNative(name, func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			var a reArgs
			pattern := vm.Nil
			flags := ""
			pairs := append([]any{"pattern", patternArg(&pattern)}, a.params(name, false)...)
			if err := vm.UnpackArgs(fn, args, append(pairs, "flags??", &flags)...); err != nil {
				return vm.Nil, err
			}
			r, err := cache.get(fn, pattern, flags)
			if err != nil {
				return vm.Nil, err
			}
			return r.run(t, name, fn, &a)
		})
	}
	return vm.NewNativeModule("re", map[string]vm.Value{
		"compile": vm.NewNative("compile", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			const fn = "re.compile"
			var p string
			fl := ""
			if err := vm.UnpackArgs(fn, args, "pattern", &p, "flags?", &fl); err != nil {
				return vm.Nil, err
			}
			r, err := compileRegex(fn, p, fl)
			if err != nil {
				return vm.Nil, err
			}
			return vm.ObjectValue(r), nil
		}),
		"search":    def("search"),
		"match":     def("match"),
		"fullmatch": def("fullmatch"),
		"find_all":  def("find_all"),
		"split":     def("split"),
		"sub":       def("sub"),
		"escape": vm.NewNative("escape", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			var s string
			if err := vm.UnpackArgs("re.escape", args, "s", &s); err != nil {
				return vm.Nil, err
			}
			return vm.Str(regexp.QuoteMeta(s)), nil
		}),
	}), nil
}

//go:embed re_sub.ys
var reSubSource string

// rePrelude holds sub with a replacement function, in YieldScript.
var rePrelude = vm.NewPrelude("<stdlib>/re_sub.ys", reSubSource, map[string]vm.NativeFunc{
	"__re_matches": reMatches,
	"__re_join":    reJoin,
})

// subFunc is r.sub with a function as the replacement: it hands over to the
// prelude's sub, which calls the function once per match from script code.
func (r *regex) subFunc(t *vm.Task, fn string, repl vm.Value, s string, count int64) (vm.Value, error) {
	sub, err := rePrelude.Func(t, "sub")
	if err != nil {
		return vm.Nil, err
	}
	return t.TailCall(sub, vm.ObjectValue(r), repl, vm.Str(s), vm.Int(count))
}

// reMatches is __re_matches(rx, s, count): the match objects sub replaces.
func reMatches(t *vm.Task, args []vm.Value) (vm.Value, error) {
	r := args[0].AsObject().(*regex)
	s, count := args[1].AsStr(), args[2].AsInt()
	out := []vm.Value{}
	if count >= 0 {
		limit := -1
		if count > 0 && count < int64(len(s)+2) {
			limit = int(count)
		}
		r.each(s, limit, func(idx []int) {
			out = append(out, vm.ObjectValue(&match{rx: r, s: s, idx: idx}))
		})
	}
	if err := t.Charge(len(out) * 64); err != nil {
		return vm.Nil, err
	}
	return vm.NewList(out), nil
}

// reJoin is __re_join(s, matches, pieces): s with each match replaced by its
// piece. A nil piece is "" (as Python's None); another non-string throws type.
func reJoin(t *vm.Task, args []vm.Value) (vm.Value, error) {
	s := args[0].AsStr()
	matches, pieces := args[1].AsList().Snapshot(), args[2].AsList().Snapshot()
	if len(matches) == 0 {
		return args[0], nil
	}
	var b strings.Builder
	last := 0
	for i, mv := range matches {
		m := mv.AsObject().(*match)
		b.WriteString(s[last:m.idx[0]])
		switch p := pieces[i]; p.Kind() {
		case vm.KStr:
			b.WriteString(p.AsStr())
		case vm.KNil:
		case vm.KCoroutine:
			return vm.Nil, vm.NewError(vm.KindType, "re.sub: the replacement function returned a coroutine: it must be a plain function (without yield) returning a string")
		default:
			return vm.Nil, vm.Errorf(vm.KindType, "re.sub: the replacement function must return a string, not %s", p.TypeName())
		}
		last = m.idx[1]
	}
	b.WriteString(s[last:])
	if err := t.Charge(b.Len()); err != nil {
		return vm.Nil, err
	}
	return vm.Str(b.String()), nil
}
