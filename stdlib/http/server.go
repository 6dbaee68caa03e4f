package http

import (
	_ "embed"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
	"github.com/yieldscript/yieldscript/stdlib/internal/modutil"
	ysjson "github.com/yieldscript/yieldscript/stdlib/json"
	ysnet "github.com/yieldscript/yieldscript/stdlib/net"
	ysurl "github.com/yieldscript/yieldscript/stdlib/url"
)

//go:embed http.ys
var httpSource string

// maxHead bounds a request or response head (start line and headers).
const maxHead = 64 * 1024

// defaultMaxBody bounds a request body the server reads.
const defaultMaxBody = 10 << 20

func Module(l *scheduler.Loop) func(*vm.Machine) (vm.Value, error) {
	return func(m *vm.Machine) (vm.Value, error) {
		n := ysnet.NewLib(l)
		d := &httpDate{}
		up := upgrades{}
		rp := &requestParser{}
		return modutil.LoadScriptModule(m, "http", httpSource, map[string]vm.Value{
			"_listen":           vm.NewNative("listen", n.Listen),
			"_connect":          vm.NewNative("connect", n.Connect),
			"_MAX_HEAD":         vm.Int(maxHead),
			"_MAX_BODY":         vm.Int(defaultMaxBody),
			"_read_head":        vm.NewNative("_read_head", httpReadHead),
			"_take_head":        vm.NewNative("_take_head", httpTakeHead),
			"_parse_request":    vm.NewNative("_parse_request", rp.parse),
			"_response":         vm.NewNative("_response", d.response),
			"_body_after":       vm.NewNative("_body_after", bodyAfterHead),
			"_error_response":   vm.NewNative("_error_response", d.errorResponse),
			"_body":             vm.NewNative("_body", httpBody),
			"_body_read":        vm.NewNative("_body_read", httpBodyRead),
			"_body_all":         vm.NewNative("_body_all", httpBodyAll),
			"_body_state":       vm.NewNative("_body_state", httpBodyState),
			"_parse_url":        vm.NewNative("_parse_url", httpParseURL),
			"_request_head":     vm.NewNative("_request_head", httpRequestHead),
			"_parse_response":   vm.NewNative("_parse_response", httpParseResponse),
			"_resolve_url":      vm.NewNative("_resolve_url", httpResolveURL),
			"_conn_reusable":    vm.NewNative("_conn_reusable", httpConnReusable),
			"_idle_set":         vm.NewNative("_idle_set", httpIdleSet(l)),
			"_chunk":            vm.NewNative("_chunk", httpChunk),
			"_asks_close":       vm.NewNative("_asks_close", httpAsksClose),
			"_stopping":         vm.NewNative("_stopping", httpStopping),
			"_report":           vm.NewNative("_report", httpReport(l)),
			"_now":              vm.NewNative("_now", httpNow),
			"_shield":           vm.NewNative("_shield", httpShield),
			"_ws_accept":        vm.NewNative("_ws_accept", wsAccept),
			"_ws_key":           vm.NewNative("_ws_key", wsKey),
			"_ws_parse":         vm.NewNative("_ws_parse", wsParse),
			"_ws_frame":         vm.NewNative("_ws_frame", wsFrameNative),
			"_ws_close_payload": vm.NewNative("_ws_close_payload", wsClosePayload),
			"_ws_close_body":    vm.NewNative("_ws_close_body", wsCloseBody),
			"_ws_utf8":          vm.NewNative("_ws_utf8", wsUTF8),
			"_ws_object":        vm.NewNative("_ws_object", wsNewObject),
			"_upgrade_set":      vm.NewNative("_upgrade_set", up.set),
			"_upgrade_get":      vm.NewNative("_upgrade_get", up.get),
			"_upgrade_forget":   vm.NewNative("_upgrade_forget", up.forget),
			"encode_query":      vm.NewNative("encode_query", httpEncodeQuery),
			"decode_query":      vm.NewNative("decode_query", httpDecodeQuery),
		})
	}
}

// connArg is the destination of a conn argument for vm.UnpackArgs.
func connArg(c **ysnet.Conn) any {
	return vm.Check("a conn", func(v vm.Value) bool {
		var ok bool
		*c, ok = ysnet.AsConn(v)
		return ok
	})
}

// httpReadHead is _read_head(conn, limit, seconds = none): it reads through
// the empty line ending a message head, skipping empty lines before it. It
// gives nil when the stream ends before any byte of a head, throws eof when it
// ends inside one, limit when the head is longer than limit, and timeout when
// it has waited for more than the given seconds.
func httpReadHead(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var conn *ysnet.Conn
	var max int
	secs := vm.Nil
	if err := vm.UnpackArgs("_read_head", args, "conn", connArg(&conn), "limit", &max, "seconds?", modutil.SecondsArg(&secs)); err != nil {
		return vm.Nil, err
	}
	c, limit := conn, max // copies for the attempt (see httpBodyRead)
	var wait time.Duration
	if !secs.IsNil() {
		var err error
		if wait, err = scheduler.Seconds("_read_head", secs); err != nil {
			return vm.Nil, err
		}
	}
	scanned := 0
	return c.Op("http.read_head", wait, func() (vm.Value, *vm.Error, ysnet.Wait) {
		if c.Closed() {
			return vm.Nil, ysnet.ErrClosed(), ysnet.Done
		}
		for {
			if head, err, found := bufferedHead(c, limit, &scanned); found || err != nil {
				return head, err, ysnet.Done
			}
			if c.EOF() {
				if len(c.Buffered()) == 0 {
					return vm.Nil, nil, ysnet.Done
				}
				c.Discard()
				return vm.Nil, vm.NewError(vm.KindEOF, "the stream ended inside a message head"), ysnet.Done
			}
			_, err, wait := c.Fill()
			if err != nil || wait != ysnet.Done {
				return vm.Nil, err, wait
			}
		}
	}), nil
}

// bufferedHead takes a whole message head from the bytes received, skipping
// empty lines before it; found is false when the head is not all there yet.
// scanned is how much of the buffer earlier calls looked at in vain.
func bufferedHead(c *ysnet.Conn, limit int, scanned *int) (head vm.Value, err *vm.Error, found bool) {
	for *scanned == 0 {
		buf := c.Buffered()
		if len(buf) > 0 && buf[0] == '\n' {
			c.Next(1)
		} else if len(buf) > 1 && buf[0] == '\r' && buf[1] == '\n' {
			c.Next(2)
		} else {
			break
		}
	}
	buf := c.Buffered()
	if end := findHeadEnd(buf, *scanned-2); end >= 0 {
		if end > limit {
			return vm.Nil, vm.Errorf(vm.KindLimit, "message head longer than %d bytes", limit), false
		}
		return c.Take(end), nil, true
	}
	*scanned = len(buf)
	if len(buf) > limit {
		return vm.Nil, vm.Errorf(vm.KindLimit, "message head longer than %d bytes", limit), false
	}
	return vm.Nil, nil, false
}

// httpTakeHead is _take_head(conn, limit): the message head already received
// in full, or nil when it is not all there (then yield _read_head). It throws
// limit as _read_head does.
func httpTakeHead(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var c *ysnet.Conn
	var limit int
	if err := vm.UnpackArgs("_take_head", args, "conn", connArg(&c), "limit", &limit); err != nil {
		return vm.Nil, err
	}
	if c.Closed() {
		return vm.Nil, ysnet.ErrClosed()
	}
	scanned := 0
	head, herr, _ := bufferedHead(c, limit, &scanned)
	if herr != nil {
		return vm.Nil, herr
	}
	return head, nil
}

func headersMap(h *requestHead) *vm.Map {
	m := vm.NewMap(len(h.names))
	for i, k := range h.names {
		m.SetStr(k, vm.Str(h.values[i]))
	}
	return m
}

// requestParser is the head parse of a module instance's server: one
// requestHead (576 bytes, most of it room for a dozen headers) used again for
// every request, as each is turned into maps before the next is parsed.
type requestParser struct{ h requestHead }

// parse is _parse_request(head, remote): nil for a head that cannot be
// accepted, else [req, content_length (-1: none), chunked, close, http10].
func (p *requestParser) parse(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var head string
	var remote vm.Value
	if err := vm.UnpackArgs("_parse_request", args, "head", &head, "remote", &remote); err != nil {
		return vm.Nil, err
	}
	h := &p.h
	// The head's strings are views of head: none is kept once the maps are
	// made.
	defer func() { *h = requestHead{} }()
	if !h.parseRequest(modutil.BytesOf(head)) {
		return vm.Nil, nil
	}
	keys, vals, ok := ysurl.ParseQuery(h.rawQuery)
	if !ok {
		return vm.Nil, nil
	}
	q := vm.NewMap(len(keys))
	for i, k := range keys {
		q.SetStr(k, vm.Str(vals[i]))
	}
	req := vm.NewMap(6)
	req.SetStr("method", vm.Str(h.method))
	req.SetStr("path", vm.Str(h.path))
	req.SetStr("query", vm.MapValue(q))
	req.SetStr("headers", vm.MapValue(headersMap(h)))
	req.SetStr("body", vm.Str(""))
	req.SetStr("remote", remote)
	return vm.NewList([]vm.Value{
		vm.MapValue(req), vm.Int(h.contentLength), vm.Bool(h.chunked),
		vm.Bool(h.closeConn), vm.Bool(h.minor == 0),
	}), nil
}

// httpDate makes the Date header's value, once a second.
type httpDate struct {
	sec  int64
	text string
}

func (d *httpDate) now() string {
	now := time.Now()
	if s := now.Unix(); s != d.sec || d.text == "" {
		d.sec, d.text = s, now.UTC().Format(http.TimeFormat)
	}
	return d.text
}

func statusLine(b *strings.Builder, status int) {
	b.WriteString("HTTP/1.1 ")
	b.WriteString(strconv.Itoa(status))
	b.WriteByte(' ')
	text := http.StatusText(status)
	if text == "" {
		text = "Status " + strconv.Itoa(status)
	}
	b.WriteString(text)
	b.WriteString("\r\n")
}

func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

// headerText turns a header value given by a script into text.
func headerText(v vm.Value) (string, bool) {
	switch v.Kind() {
	case vm.KStr:
		return v.AsStr(), true
	case vm.KInt:
		return strconv.FormatInt(v.AsInt(), 10), true
	}
	return "", false
}

// writeHeaders writes the headers of map hv (nil allowed), leaving out the
// lower-case names in skip; it returns the lower-case names it wrote.
func writeHeaders(fn string, b *strings.Builder, hv vm.Value, skip ...string) (map[string]bool, error) {
	if hv.IsNil() {
		return nil, nil // nothing seen: a nil map reads as empty
	}
	seen := map[string]bool{}
	if hv.Kind() != vm.KMap {
		return nil, vm.Errorf(vm.KindType, "%s: headers must be a map, not %s", fn, hv.TypeName())
	}
	m := hv.AsMap()
	for i := 0; i < m.Slots(); i++ {
		k, v, ok := m.Entry(i)
		if !ok {
			continue
		}
		if k.Kind() != vm.KStr || !validToken(k.AsStr()) {
			return nil, vm.Errorf(vm.KindValue, "%s: bad header name %s", fn, vm.Repr(k))
		}
		val, ok := headerText(v)
		if !ok || !validHeaderValue(val) {
			return nil, vm.Errorf(vm.KindValue, "%s: bad value for header %s: %s", fn, k.AsStr(), vm.Repr(v))
		}
		lower := strings.ToLower(k.AsStr())
		skipped := false
		for _, s := range skip {
			if lower == s {
				skipped = true
			}
		}
		if skipped {
			continue
		}
		seen[lower] = true
		b.WriteString(k.AsStr())
		b.WriteString(": ")
		b.WriteString(val)
		b.WriteString("\r\n")
	}
	return seen, nil
}

// How _response frames the body.
const (
	bodyWhole   = 0 // Content-Length, the body in the same text
	bodyChunked = 1 // the head only, with Transfer-Encoding: chunked
	bodyToClose = 2 // the head only; the body runs to the end of the connection
)

// response is _response(result, head_only, close, http10, framing = 0):
// the text of the response to a handler's result (the head alone for a
// streamed body, which the caller writes).
func (d *httpDate) response(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var result vm.Value
	var headOnly, closeConn, http10 bool
	framing := bodyWhole
	if err := vm.UnpackArgs("_response", args, "result", &result, "head_only", &headOnly, "close", &closeConn, "http10", &http10, "framing?", &framing); err != nil {
		return vm.Nil, err
	}
	const fn = "http handler result"
	status := 200
	body := ""
	headers := vm.Nil
	switch result.Kind() {
	case vm.KStr:
		body = result.AsStr()
	case vm.KMap:
		m := result.AsMap()
		if v, ok := m.GetStr("status"); ok && !v.IsNil() {
			if v.Kind() != vm.KInt || v.AsInt() < 200 || v.AsInt() > 599 {
				return vm.Nil, vm.Errorf(vm.KindValue, "%s: status must be an int from 200 to 599, not %s", fn, vm.Repr(v))
			}
			status = int(v.AsInt())
		}
		if v, ok := m.GetStr("body"); ok && !v.IsNil() {
			if v.Kind() != vm.KStr {
				return vm.Nil, vm.Errorf(vm.KindType, "%s: body must be a string, not %s", fn, v.TypeName())
			}
			body = v.AsStr()
		}
		if v, ok := m.GetStr("headers"); ok {
			headers = v
		}
	default:
		return vm.Nil, vm.Errorf(vm.KindType, "%s must be a string or a map, not %s", fn, result.TypeName())
	}
	// A large body is not copied after the head: the caller sends it on its
	// own (see bodyAfterHead).
	inline := len(body) < bigBody
	var b strings.Builder
	if inline {
		b.Grow(160 + len(body))
	} else {
		b.Grow(160)
	}
	statusLine(&b, status)
	// A 304 keeps a Content-Length the handler gives (that of the body a
	// 200 would have); otherwise the server frames the body itself.
	skipLength := "content-length"
	if status == 304 {
		skipLength = "transfer-encoding"
	}
	seen, err := writeHeaders(fn, &b, headers, skipLength, "connection", "transfer-encoding")
	if err != nil {
		return vm.Nil, err
	}
	if !seen["content-type"] && result.Kind() == vm.KStr {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	}
	if !seen["date"] {
		b.WriteString("Date: ")
		b.WriteString(d.now())
		b.WriteString("\r\n")
	}
	noBody := status == 204 || status == 304
	switch {
	case framing == bodyChunked && !noBody:
		b.WriteString("Transfer-Encoding: chunked\r\n")
	case framing == bodyToClose && !noBody:
		closeConn = true
	case !noBody:
		// A 204 has no Content-Length, and a 304 only the handler's
		// (RFC 9110 sections 8.6 and 15.3.5).
		n := len(body)
		b.WriteString("Content-Length: ")
		b.WriteString(strconv.Itoa(n))
		b.WriteString("\r\n")
	}
	if closeConn {
		b.WriteString("Connection: close\r\n")
	} else if http10 {
		b.WriteString("Connection: keep-alive\r\n")
	}
	b.WriteString("\r\n")
	if !headOnly && !noBody && framing == bodyWhole && inline {
		b.WriteString(body)
	}
	return vm.Str(b.String()), nil
}

// bigBody is the length from which a response body is sent after its head
// rather than copied into one string with it: 20 clients that never read an
// 8 MiB answer would otherwise hold 20 copies of it.
const bigBody = 64 * 1024

// bodyAfterHead is _body_after(result, head_only): the body of a handler's
// result that _response left out of the text it gave (a large one), or "".
func bodyAfterHead(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var result vm.Value
	var headOnly bool
	if err := vm.UnpackArgs("_body_after", args, "result", &result, "head_only", &headOnly); err != nil {
		return vm.Nil, err
	}
	if headOnly {
		return vm.Str(""), nil
	}
	body := vm.Nil
	switch result.Kind() {
	case vm.KStr:
		body = result
	case vm.KMap:
		m := result.AsMap()
		if v, ok := m.GetStr("status"); ok && v.Kind() == vm.KInt && (v.AsInt() == 204 || v.AsInt() == 304) {
			return vm.Str(""), nil
		}
		body, _ = m.GetStr("body")
	}
	if body.Kind() != vm.KStr || len(body.AsStr()) < bigBody {
		return vm.Str(""), nil
	}
	return body, nil
}

// httpReport makes _report(e, req): it reports the error e of the handler of
// request req on stderr, with the request and the handler's frames (not those
// of the http module). The server has answered it with 500: it is a handled
// error, not one that escaped a task, so it does not change the exit status.
func httpReport(l *scheduler.Loop) func(*vm.Task, []vm.Value) (vm.Value, error) {
	return func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		var thrown, req vm.Value
		if err := vm.UnpackArgs("_report", args, "e", &thrown, "req", &req); err != nil {
			return vm.Nil, err
		}
		var e vm.Error
		if thrown.Kind() == vm.KError {
			e = *thrown.AsError()
		} else {
			e = vm.Error{Kind: vm.KindError, Message: "thrown value " + vm.Repr(thrown), Value: thrown, IsValue: true}
		}
		trace := e.Trace
		e.Trace = nil
		for _, f := range trace {
			if !strings.HasPrefix(f.File, "<stdlib>") {
				e.Trace = append(e.Trace, f)
			}
		}
		what := "request"
		if req.Kind() == vm.KMap {
			m := req.AsMap()
			method, _ := m.GetStr("method")
			path, _ := m.GetStr("path")
			if method.Kind() == vm.KStr && path.Kind() == vm.KStr {
				q := strconv.Quote(path.AsStr()) // control characters escaped
				what = method.AsStr() + " " + q[1:len(q)-1]
			}
		}
		l.Report("error in http handler for " + what + ":\n" + strings.TrimSuffix(e.Report(), "\n"))
		return vm.Nil, nil
	}
}

// httpShield is _shield(seconds): the running task keeps out of its
// program's cancellation for at most that long (see scheduler.Task.Shield).
func httpShield(t *vm.Task, args []vm.Value) (vm.Value, error) {
	var secs vm.Value
	if err := vm.UnpackArgs("_shield", args, "seconds", modutil.SecondsArg(&secs)); err != nil {
		return vm.Nil, err
	}
	d, err := scheduler.Seconds("_shield", secs)
	if err != nil {
		return vm.Nil, err
	}
	if st, ok := t.Data.(*scheduler.Task); ok {
		st.Shield(d)
	}
	return vm.Nil, nil
}

// clockStart is the origin of _now.
var clockStart = time.Now()

// httpNow is _now(): seconds on a monotonic clock, for deadlines.
func httpNow(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	if err := vm.UnpackArgs("_now", args); err != nil {
		return vm.Nil, err
	}
	return vm.Float(time.Since(clockStart).Seconds()), nil
}

// httpStopping is _stopping(task): whether the task serving the connections
// has been cancelled, even if the cancellation has not reached it yet.
func httpStopping(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var task vm.Value // the serving task, or nil before it runs
	if err := vm.UnpackArgs("_stopping", args, "task", &task); err != nil {
		return vm.Nil, err
	}
	if task.Kind() == vm.KObject {
		if t, ok := task.AsObject().(*scheduler.Task); ok {
			return vm.Bool(t.Stopping()), nil
		}
	}
	return vm.False, nil
}

// httpAsksClose is _asks_close(result): whether a handler's result sets the
// header Connection: close (the server then closes after the response).
func httpAsksClose(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var result vm.Value // any handler result: only a map can ask
	if err := vm.UnpackArgs("_asks_close", args, "result", &result); err != nil {
		return vm.Nil, err
	}
	if result.Kind() != vm.KMap {
		return vm.False, nil
	}
	hv, _ := result.AsMap().GetStr("headers")
	if hv.Kind() != vm.KMap {
		return vm.False, nil
	}
	m := hv.AsMap()
	for i := 0; i < m.Slots(); i++ {
		k, v, ok := m.Entry(i)
		if ok && k.Kind() == vm.KStr && v.Kind() == vm.KStr && strings.EqualFold(k.AsStr(), "connection") {
			return vm.Bool(hasToken(strings.ToLower(v.AsStr()), "close")), nil
		}
	}
	return vm.False, nil
}

// errorResponse is _error_response(status): a short response that closes
// the connection.
func (d *httpDate) errorResponse(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var status int
	if err := vm.UnpackArgs("_error_response", args, "status", &status); err != nil {
		return vm.Nil, err
	}
	body := http.StatusText(status) + "\n"
	var b strings.Builder
	statusLine(&b, status)
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nDate: ")
	b.WriteString(d.now())
	b.WriteString("\r\nContent-Length: ")
	b.WriteString(strconv.Itoa(len(body)))
	b.WriteString("\r\nConnection: close\r\n\r\n")
	b.WriteString(body)
	return vm.Str(b.String()), nil
}

// httpParseURL is _parse_url(url): [host, port, target, host header, https].
func httpParseURL(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var u string
	if err := vm.UnpackArgs("http.request", args, "u", &u); err != nil {
		return vm.Nil, err
	}
	defaultPort, secure := 80, false
	rest, ok := strings.CutPrefix(u, "http://")
	if !ok {
		if rest, ok = strings.CutPrefix(u, "https://"); !ok {
			return vm.Nil, vm.Errorf(vm.KindValue, "http.request() needs an http:// or https:// URL, not %q", u)
		}
		defaultPort, secure = 443, true
	}
	authority, target := rest, "/"
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, target = rest[:i], rest[i:]
		if target[0] == '?' {
			target = "/" + target
		}
	}
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	if target == "" || target[0] == '#' {
		target = "/"
	}
	for i := 0; i < len(target); i++ {
		if target[i] <= ' ' || target[i] == 0x7f {
			return vm.Nil, vm.Errorf(vm.KindValue, "http.request(): bad character in URL %q", u)
		}
	}
	host, port := authority, defaultPort
	if strings.HasPrefix(authority, "[") {
		end := strings.IndexByte(authority, ']')
		if end < 0 {
			return vm.Nil, vm.Errorf(vm.KindValue, "http.request(): bad host in URL %q", u)
		}
		host = authority[1:end]
		if p := authority[end+1:]; p != "" {
			if p[0] != ':' {
				return vm.Nil, vm.Errorf(vm.KindValue, "http.request(): bad host in URL %q", u)
			}
			pn, err := strconv.Atoi(p[1:])
			if err != nil || pn < 1 || pn > 65535 {
				return vm.Nil, vm.Errorf(vm.KindValue, "http.request(): bad port in URL %q", u)
			}
			port = pn
		}
	} else if i := strings.LastIndexByte(authority, ':'); i >= 0 {
		host = authority[:i]
		pn, err := strconv.Atoi(authority[i+1:])
		if err != nil || pn < 1 || pn > 65535 {
			return vm.Nil, vm.Errorf(vm.KindValue, "http.request(): bad port in URL %q", u)
		}
		port = pn
	}
	if host == "" || strings.ContainsAny(host, "@ /\\") {
		return vm.Nil, vm.Errorf(vm.KindValue, "http.request(): bad host in URL %q", u)
	}
	return vm.NewList([]vm.Value{vm.Str(host), vm.Int(int64(port)), vm.Str(target), vm.Str(authority), vm.Bool(secure)}), nil
}

// httpRequestHead is _request_head(method, parsed_url, options): the text of
// the request (head and body).
func httpRequestHead(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "http.request"
	var method string
	var u []vm.Value // what _parse_url gave
	var om *vm.Map
	parsed := vm.Check("a parsed URL", func(v vm.Value) bool {
		if v.Kind() != vm.KList {
			return false
		}
		u = v.AsList().Snapshot()
		return len(u) == 5 && u[2].Kind() == vm.KStr && u[3].Kind() == vm.KStr
	})
	if err := vm.UnpackArgs(fn, args, "method", &method, "url", parsed, "options??", &om); err != nil {
		return vm.Nil, err
	}
	if !validToken(method) {
		return vm.Nil, vm.Errorf(vm.KindValue, "http.request(): bad method %q", method)
	}
	target := u[2].AsStr()
	headers, body := vm.Nil, vm.Nil
	contentType := ""
	if om != nil {
		headers, _ = om.GetStr("headers")
		body, _ = om.GetStr("body")
		if !body.IsNil() && body.Kind() != vm.KStr {
			return vm.Nil, vm.Errorf(vm.KindType, "http.request(): body must be a string, not %s", body.TypeName())
		}
		if q, _ := om.GetStr("query"); !q.IsNil() {
			if q.Kind() != vm.KMap {
				return vm.Nil, vm.Errorf(vm.KindType, "http.request(): query must be a map, not %s", q.TypeName())
			}
			var qb strings.Builder
			if err := ysurl.EncodeQuery("http.request(): query", &qb, q.AsMap()); err != nil {
				return vm.Nil, err
			}
			if qb.Len() > 0 {
				sep := "?"
				if strings.Contains(target, "?") {
					sep = "&"
				}
				target += sep + qb.String()
			}
		}
		if f, _ := om.GetStr("form"); !f.IsNil() {
			if f.Kind() != vm.KMap {
				return vm.Nil, vm.Errorf(vm.KindType, "http.request(): form must be a map, not %s", f.TypeName())
			}
			if !body.IsNil() {
				return vm.Nil, vm.NewError(vm.KindValue, "http.request(): give one of body, form and json")
			}
			var fb strings.Builder
			if err := ysurl.EncodeQuery("http.request(): form", &fb, f.AsMap()); err != nil {
				return vm.Nil, err
			}
			body, contentType = vm.Str(fb.String()), "application/x-www-form-urlencoded"
		}
		if j, ok := om.GetStr("json"); ok {
			if !body.IsNil() {
				return vm.Nil, vm.NewError(vm.KindValue, "http.request(): give one of body, form and json")
			}
			var jb strings.Builder
			if err := ysjson.Encode(&jb, j, 0); err != nil {
				return vm.Nil, err
			}
			body, contentType = vm.Str(jb.String()), "application/json"
		}
	}
	var b strings.Builder
	b.WriteString(method)
	b.WriteByte(' ')
	b.WriteString(target)
	b.WriteString(" HTTP/1.1\r\n")
	seen, err := writeHeaders(fn, &b, headers, "content-length", "connection", "transfer-encoding")
	if err != nil {
		return vm.Nil, err
	}
	if !seen["host"] {
		b.WriteString("Host: " + u[3].AsStr() + "\r\n")
	}
	if !seen["user-agent"] {
		b.WriteString("User-Agent: yieldscript\r\n")
	}
	if contentType != "" && !seen["content-type"] {
		b.WriteString("Content-Type: " + contentType + "\r\n")
	}
	if !body.IsNil() || method == "POST" || method == "PUT" || method == "PATCH" {
		b.WriteString("Content-Length: ")
		b.WriteString(strconv.Itoa(len(body.AsStr())))
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	if !body.IsNil() {
		b.WriteString(body.AsStr())
	}
	return vm.Str(b.String()), nil
}

// httpParseResponse is _parse_response(head): [{status, headers},
// content_length (-1: none), chunked, close (the server will not take another
// request on the connection)].
func httpParseResponse(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var head string
	if err := vm.UnpackArgs("_parse_response", args, "head", &head); err != nil {
		return vm.Nil, err
	}
	h, status, ok := parseResponseHead(modutil.BytesOf(head))
	if !ok {
		return vm.Nil, vm.NewError(vm.KindValue, "http: malformed response head")
	}
	resp := vm.NewMap(3)
	resp.SetStr("status", vm.Int(int64(status)))
	resp.SetStr("headers", vm.MapValue(headersMap(h)))
	resp.SetStr("body", vm.Str(""))
	return vm.NewList([]vm.Value{vm.MapValue(resp), vm.Int(h.contentLength), vm.Bool(h.chunked), vm.Bool(h.closeConn)}), nil
}
