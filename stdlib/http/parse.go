package http

import (
	"bytes"
	"slices"
	"strings"
	"unsafe"

	ysurl "github.com/yieldscript/yieldscript/stdlib/url"
)

// requestHead is a parsed HTTP request line and header block. Its strings
// share the bytes of the head they were parsed from (a view of an immutable
// script string), which must not change while the head is in use.
type requestHead struct {
	method   string
	target   string // as sent
	path     string // percent-decoded
	rawQuery string
	major    int
	minor    int
	// headers in order of first appearance, names lower-cased; repeated
	// headers are joined with ", ". values[i] goes with names[i].
	names  []string
	values []string
	store  [2 * 12]string // backing for names and values up to 12 headers
	// more holds what only some heads need (nil until then), so that the
	// head of an ordinary request stays small.
	more *headExtra
	// crlf: every line must end with CRLF (requests; a bare LF is refused).
	crlf     bool
	absolute bool  // the target is in absolute form (more.authority)
	hosts    uint8 // Host lines seen (counted up to 2)
	// From the headers:
	contentLength int64 // -1 when absent
	chunked       bool
	closeConn     bool // Connection: close, or HTTP/1.0 without keep-alive
}

// headExtra is the part of a requestHead that only some heads need.
type headExtra struct {
	// index finds a name's position once there are more than indexFrom
	// headers, so that a head with many headers is parsed in linear time.
	index map[string]int
	// dups holds the later values of repeated names; finish joins them.
	dups      []dupValue
	authority string // of an absolute-form target
}

func (h *requestHead) extra() *headExtra {
	if h.more == nil {
		h.more = new(headExtra)
	}
	return h.more
}

// dupValue is a later value of the header at names[at].
type dupValue struct {
	at  int
	val string
}

// indexFrom is the number of headers up to which a name is found by
// scanning the list.
const indexFrom = 16

// isTokenChar reports whether c may appear in a method or header name (RFC 9110 tchar).
func isTokenChar(c byte) bool {
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// nextLine returns the line of b starting at i without its "\n" (and "\r"
// before it), and the index after the line; ok is false without a "\n".
func nextLine(b []byte, i int) (line []byte, next int, ok bool) {
	for j := i; j < len(b); j++ {
		if b[j] == '\n' {
			end := j
			if end > i && b[end-1] == '\r' {
				end--
			}
			return b[i:end], j + 1, true
		}
	}
	return nil, len(b), false
}

// nextCRLFLine is nextLine for a head whose lines must end with CRLF: ok is
// false without a "\n", and bad is true for a "\n" without "\r" before it.
func nextCRLFLine(b []byte, i int) (line []byte, next int, ok, bad bool) {
	j := bytes.IndexByte(b[i:], '\n')
	if j < 0 {
		return nil, len(b), false, false
	}
	j += i
	if j == i || b[j-1] != '\r' {
		return nil, j + 1, true, true
	}
	return b[i : j-1], j + 1, true, false
}

// line is the next line of a head for parseHeaders (see crlf).
func (h *requestHead) line(b []byte, i int) (line []byte, next int, ok bool) {
	if !h.crlf {
		return nextLine(b, i)
	}
	line, next, ok, bad := nextCRLFLine(b, i)
	return line, next, ok && !bad
}

// parseRequestHead parses a request head: the request line and the header
// lines, ending with an empty line. It makes one pass over b. A head it cannot
// accept gives ok false (answered 400).
func parseRequestHead(b []byte) (*requestHead, bool) {
	h := new(requestHead)
	if !h.parseRequest(b) {
		return nil, false
	}
	return h, true
}

// parseRequest is parseRequestHead into h.
func (h *requestHead) parseRequest(b []byte) bool {
	h.init()
	h.crlf = true
	line, i, ok := h.line(b, 0)
	if !ok {
		return false
	}
	// Request line: METHOD SP target SP HTTP/d.d
	sp1 := -1
	for j, c := range line {
		if c == ' ' {
			sp1 = j
			break
		}
		if !isTokenChar(c) {
			return false
		}
	}
	if sp1 <= 0 {
		return false
	}
	sp2 := -1
	for j := sp1 + 1; j < len(line); j++ {
		c := line[j]
		if c == ' ' {
			sp2 = j
			break
		}
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	if sp2 <= sp1+1 {
		return false
	}
	v := line[sp2+1:]
	if len(v) != 8 || string(v[:5]) != "HTTP/" || v[5] < '0' || v[5] > '9' || v[6] != '.' || v[7] < '0' || v[7] > '9' {
		return false
	}
	h.major, h.minor = int(v[5]-'0'), int(v[7]-'0')
	if h.major != 1 {
		return false
	}
	h.method = view(line[:sp1])
	h.target = view(line[sp1+1 : sp2])
	if !h.splitTarget() {
		return false
	}
	if !h.parseHeaders(b, i) {
		return false
	}
	return h.finish()
}

// parseHeaders parses the header lines of b from i through the empty line
// that must end b.
func (h *requestHead) parseHeaders(b []byte, i int) bool {
	var line []byte
	ok := true
	// Header lines.
	for {
		line, i, ok = h.line(b, i)
		if !ok {
			return false // no empty line at the end, or a bare LF
		}
		if len(line) == 0 {
			break
		}
		colon := -1
		upper := false
		for j, c := range line {
			if c == ':' {
				colon = j
				break
			}
			if !isTokenChar(c) {
				return false // includes obsolete line folding and space before ':'
			}
			upper = upper || c >= 'A' && c <= 'Z'
		}
		if colon <= 0 {
			return false
		}
		name := view(line[:colon])
		if upper {
			name = lowerName(line[:colon])
		}
		val := line[colon+1:]
		for len(val) > 0 && (val[0] == ' ' || val[0] == '\t') {
			val = val[1:]
		}
		for len(val) > 0 && (val[len(val)-1] == ' ' || val[len(val)-1] == '\t') {
			val = val[:len(val)-1]
		}
		for _, c := range val {
			if c < ' ' && c != '\t' || c == 0x7f {
				return false
			}
		}
		if !h.addHeader(name, view(val)) {
			return false
		}
	}
	if i != len(b) {
		return false // the head must be exactly what was given
	}
	return true
}

func (h *requestHead) init() {
	h.contentLength = -1
	h.names, h.values = h.store[:0:12], h.store[12:12]
}

// find is the position of header name (lower-case), or -1.
func (h *requestHead) find(name string) int {
	if h.more != nil && h.more.index != nil {
		if at, ok := h.more.index[name]; ok {
			return at
		}
		return -1
	}
	for i, n := range h.names {
		if n == name {
			return i
		}
	}
	return -1
}

// view is the string of b's bytes, without a copy (see requestHead).
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// commonNames are header names that requests often send capitalized: their
// lower-case form needs no new string.
var commonNames = [...]string{
	"host", "user-agent", "accept", "accept-encoding", "accept-language",
	"connection", "content-length", "content-type", "transfer-encoding",
	"expect", "cookie", "referer", "origin", "authorization", "cache-control",
	"upgrade-insecure-requests", "if-modified-since", "if-none-match",
	"date", "server", "location", "last-modified", "etag", "keep-alive",
}

// lowerName is the lower-case form of header name b.
func lowerName(b []byte) string {
	for _, n := range commonNames {
		if len(n) == len(b) && strings.EqualFold(n, view(b)) {
			return n
		}
	}
	return lowerASCII(b)
}

func lowerASCII(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return unsafe.String(&out[0], len(out))
}

// get is the value of the header name (lower-case), if it was given.
func (h *requestHead) get(name string) (string, bool) {
	if at := h.find(name); at >= 0 {
		return h.values[at], true
	}
	return "", false
}

func (h *requestHead) addHeader(name, val string) bool {
	at := h.find(name)
	switch name {
	case "content-length":
		if !isDigits(val) || len(val) > 18 {
			return false
		}
		if at >= 0 && h.values[at] != val {
			return false
		}
	case "host":
		// RFC 9112 section 3.2: one Host line, with a host[:port] value.
		if h.hosts < 2 {
			h.hosts++
		}
		if h.crlf && (h.hosts > 1 || !validHost(val)) {
			return false
		}
	}
	switch {
	case at < 0:
		h.names = append(h.names, name)
		h.values = append(h.values, val)
		if h.more != nil && h.more.index != nil {
			h.more.index[name] = len(h.names) - 1
		} else if len(h.names) > indexFrom {
			index := make(map[string]int, 2*len(h.names))
			for i, n := range h.names {
				index[n] = i
			}
			h.extra().index = index
		}
	case name != "content-length":
		x := h.extra()
		x.dups = append(x.dups, dupValue{at, val})
	}
	return true
}

// joinDups joins the values of repeated names with ", ", in the order given,
// in time linear in their total size.
func (h *requestHead) joinDups() {
	if h.more == nil || len(h.more.dups) == 0 {
		return
	}
	dups := h.more.dups
	slices.SortStableFunc(dups, func(a, b dupValue) int { return a.at - b.at })
	for i := 0; i < len(dups); {
		at := dups[i].at
		j := i
		n := len(h.values[at])
		for ; j < len(dups) && dups[j].at == at; j++ {
			n += 2 + len(dups[j].val)
		}
		var sb strings.Builder
		sb.Grow(n)
		sb.WriteString(h.values[at])
		for _, d := range dups[i:j] {
			sb.WriteString(", ")
			sb.WriteString(d.val)
		}
		h.values[at] = sb.String()
		i = j
	}
	h.more.dups = dups[:0]
}

// validHost reports whether s is a Host header's value: a host (reg-name,
// IPv4 or [IP-literal]) with an optional :port, or empty (RFC 9110 7.2).
func validHost(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		switch c {
		case '-', '.', '_', '~', '%', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '[', ']':
			continue
		}
		return false
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// finish reads the headers that frame the message and the connection.
func (h *requestHead) finish() bool {
	h.joinDups()
	if h.minor >= 1 && h.hosts == 0 {
		return false // RFC 9112 section 3.2
	}
	if h.absolute {
		// The host of an absolute-form target wins over the Host header.
		if at := h.find("host"); at >= 0 {
			h.values[at] = h.more.authority
		} else {
			h.names = append(h.names, "host")
			h.values = append(h.values, h.more.authority)
		}
	}
	h.readContentLength()
	if te, ok := h.get("transfer-encoding"); ok {
		// Only "chunked" alone is understood; with Content-Length too the
		// message is ambiguous.
		if !strings.EqualFold(te, "chunked") || h.contentLength >= 0 || h.minor == 0 {
			return false
		}
		h.chunked = true
	}
	conn, _ := h.get("connection")
	conn = strings.ToLower(conn)
	if h.minor == 0 {
		h.closeConn = !hasToken(conn, "keep-alive")
	} else {
		h.closeConn = hasToken(conn, "close")
	}
	return true
}

// hasToken reports whether the comma-separated list s holds tok.
func hasToken(s, tok string) bool {
	for s != "" {
		var part string
		part, s, _ = strings.Cut(s, ",")
		if strings.TrimSpace(part) == tok {
			return true
		}
	}
	return false
}

// splitTarget splits the request target into the decoded path and the raw query.
func (h *requestHead) splitTarget() bool {
	t := h.target
	if t == "*" {
		h.path = "*"
		return true
	}
	if strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://") {
		// absolute form: drop the scheme and authority
		rest := t[strings.Index(t, "//")+2:]
		auth := rest
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			auth = rest[:j]
			t = rest[j:]
			if t[0] != '/' {
				t = "/" + t
			}
		} else {
			t = "/"
		}
		if j := strings.LastIndexByte(auth, '@'); j >= 0 {
			auth = auth[j+1:] // user information is not part of the host
		}
		if auth == "" || !validHost(auth) {
			return false
		}
		h.extra().authority, h.absolute = auth, true
	}
	if t == "" || t[0] != '/' {
		return false
	}
	if j := strings.IndexByte(t, '#'); j >= 0 {
		t = t[:j] // a fragment is not sent, but if it is, it is not the path
	}
	p, q, _ := strings.Cut(t, "?")
	path, ok := ysurl.PercentDecode(p, false)
	if !ok {
		return false
	}
	h.path, h.rawQuery = path, q
	return true
}

// readContentLength sets contentLength from the Content-Length header, whose
// value parseHeaders has checked to be digits (the same in every copy).
func (h *requestHead) readContentLength() {
	if cl, ok := h.get("content-length"); ok {
		var n int64
		for i := 0; i < len(cl); i++ {
			n = n*10 + int64(cl[i]-'0')
		}
		h.contentLength = n
	}
}

// findHeadEnd returns the length of the head at the start of b (through the
// empty line that ends it), or -1 when b holds no complete head.
func findHeadEnd(b []byte, from int) int {
	for j := max(from, 0); j < len(b); j++ {
		if b[j] != '\n' {
			continue
		}
		if j+1 < len(b) && b[j+1] == '\n' {
			return j + 2
		}
		if j+2 < len(b) && b[j+1] == '\r' && b[j+2] == '\n' {
			return j + 3
		}
	}
	return -1
}

// parseResponseHead parses a response head: status line and headers.
func parseResponseHead(b []byte) (h *requestHead, status int, ok bool) {
	line, i, ok := nextLine(b, 0)
	if !ok || len(line) < 12 || string(line[:7]) != "HTTP/1." || line[8] != ' ' {
		return nil, 0, false
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return nil, 0, false
		}
		status = status*10 + int(c-'0')
	}
	if len(line) > 12 && line[12] != ' ' {
		return nil, 0, false
	}
	h = new(requestHead)
	h.init()
	h.major, h.minor = 1, int(line[7]-'0')
	if !h.parseHeaders(b, i) {
		return nil, 0, false
	}
	h.joinDups()
	h.readContentLength()
	if te, ok := h.get("transfer-encoding"); ok {
		h.chunked = hasToken(strings.ToLower(te), "chunked")
		h.contentLength = -1
	}
	conn, _ := h.get("connection")
	conn = strings.ToLower(conn)
	h.closeConn = hasToken(conn, "close") || h.minor == 0 && !hasToken(conn, "keep-alive")
	return h, status, true
}
