package stdlib

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/runtime/poll"
	"github.com/yieldscript/yieldscript/runtime/scheduler"
)

// Natives of the http module that the client and the server's connection
// handling share: query strings, URLs, and looks at a conn's state.

// queryText is the text of one query or form value.
func queryText(fn string, v vm.Value) (string, error) {
	switch v.Kind() {
	case vm.KStr:
		return v.AsStr(), nil
	case vm.KInt:
		return strconv.FormatInt(v.AsInt(), 10), nil
	case vm.KFloat:
		return vm.FormatFloat(v.AsFloat()), nil
	case vm.KBool:
		return strconv.FormatBool(v.AsBool()), nil
	}
	return "", vm.Errorf(vm.KindType, "%s: a query value must be a string, number or bool, not %s", fn, v.TypeName())
}

// encodeQuery writes map m as application/x-www-form-urlencoded text, in the
// map's order; a list value repeats its key once per element.
func encodeQuery(fn string, b *strings.Builder, m *vm.Map) error {
	for i := 0; i < m.Slots(); i++ {
		k, v, ok := m.Entry(i)
		if !ok {
			continue
		}
		if k.Kind() != vm.KStr {
			return vm.Errorf(vm.KindType, "%s: a query key must be a string, not %s", fn, k.TypeName())
		}
		vals := []vm.Value{v}
		if v.Kind() == vm.KList {
			vals = v.AsList().Items
		}
		for _, e := range vals {
			s, err := queryText(fn, e)
			if err != nil {
				return err
			}
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k.AsStr()))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(s))
		}
	}
	return nil
}

// httpEncodeQuery is http.encode_query(map): "a=1&b=two+words".
func httpEncodeQuery(t *vm.Task, args []vm.Value) (vm.Value, error) {
	return encodeQueryNative("http.encode_query", args)
}

// encodeQueryNative is encode_query(map), shared by the http and url modules.
func encodeQueryNative(fn string, args []vm.Value) (vm.Value, error) {
	if err := vm.CheckArgs(fn, args, 1, 1); err != nil {
		return vm.Nil, err
	}
	if args[0].Kind() != vm.KMap {
		return vm.Nil, vm.TypeArgError(fn, 1, "a map", args[0])
	}
	var b strings.Builder
	if err := encodeQuery(fn, &b, args[0].AsMap()); err != nil {
		return vm.Nil, err
	}
	return vm.Str(b.String()), nil
}

// httpDecodeQuery is http.decode_query(text): the map of a query string or a
// form body (a repeated key keeps its last value, as req.query does).
func httpDecodeQuery(t *vm.Task, args []vm.Value) (vm.Value, error) {
	return decodeQueryNative("http.decode_query", args)
}

// decodeQueryNative is decode_query(text), shared by the http and url modules.
func decodeQueryNative(fn string, args []vm.Value) (vm.Value, error) {
	if err := vm.CheckArgs(fn, args, 1, 1); err != nil {
		return vm.Nil, err
	}
	s, err := strArg(fn, args, 0)
	if err != nil {
		return vm.Nil, err
	}
	keys, vals, ok := parseQuery(strings.TrimPrefix(s, "?"))
	if !ok {
		return vm.Nil, vm.Errorf(vm.KindValue, "%s: bad %% escape in %s", fn, vm.Repr(args[0]))
	}
	m := vm.NewMap(len(keys))
	for i, k := range keys {
		m.SetStr(k, vm.Str(vals[i]))
	}
	return vm.MapValue(m), nil
}

// httpResolveURL is _resolve_url(base, location): the URL a redirect's
// Location names, resolved against the URL that was asked.
func httpResolveURL(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	if err := vm.CheckArgs("_resolve_url", args, 2, 2); err != nil {
		return vm.Nil, err
	}
	base, err := url.Parse(args[0].AsStr())
	if err != nil {
		return vm.Nil, vm.Errorf(vm.KindValue, "http: bad URL %q", args[0].AsStr())
	}
	loc := args[1].AsStr()
	ref, err := base.Parse(loc)
	if err != nil {
		return vm.Nil, vm.Errorf(vm.KindValue, "http: bad redirect Location %q", loc)
	}
	if ref.Scheme != "http" && ref.Scheme != "https" {
		return vm.Nil, vm.Errorf(vm.KindValue, "http: redirect to %q: only http:// and https:// URLs are supported", loc)
	}
	ref.Fragment, ref.RawFragment = "", ""
	return vm.Str(ref.String()), nil
}

// httpConnReusable is _conn_reusable(conn): whether an idle pooled conn can
// carry another request: open, nothing unread, and the peer has neither closed
// it nor sent anything unasked (a peek that would block).
func httpConnReusable(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	if err := vm.CheckArgs("_conn_reusable", args, 1, 1); err != nil {
		return vm.Nil, err
	}
	c, err := connArg("_conn_reusable", args[0])
	if err != nil {
		return vm.Nil, err
	}
	if c.fd.Closed() || c.eof || len(c.buf) > 0 || c.tls != nil && (len(c.tls.pc.in) > 0 || !c.tls.done) {
		return vm.False, nil
	}
	return vm.Bool(poll.WouldBlock(c.fd.Fd)), nil
}

// httpHasData is _has_data(conn): whether received bytes wait unread.
func httpHasData(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	if err := vm.CheckArgs("_has_data", args, 1, 1); err != nil {
		return vm.Nil, err
	}
	c, err := connArg("_has_data", args[0])
	if err != nil {
		return vm.Nil, err
	}
	return vm.Bool(len(c.buf) > 0), nil
}

// httpWaitData is _wait_data(conn, seconds): an awaitable that completes when
// bytes are there to read (true) or the stream has ended (false), consuming
// none; after waiting the given seconds it throws timeout.
func httpWaitData(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	if err := vm.CheckArgs("_wait_data", args, 2, 2); err != nil {
		return vm.Nil, err
	}
	c, err := connArg("_wait_data", args[0])
	if err != nil {
		return vm.Nil, err
	}
	wait, err := scheduler.Seconds("_wait_data", args[1])
	if err != nil {
		return vm.Nil, err
	}
	o := c.op("http.wait_data", func() (vm.Value, *vm.Error, waitKind, time.Duration) {
		for {
			if c.fd.Closed() {
				return vm.Nil, errConnClosed(), done, 0
			}
			if len(c.buf) > 0 {
				return vm.True, nil, done, 0
			}
			if c.eof {
				return vm.False, nil, done, 0
			}
			_, err, wait := c.fill()
			if err != nil || wait != done {
				return vm.Nil, err, wait, 0
			}
		}
	})
	o.limit = wait
	return opValue(o), nil
}

// httpChunk is _chunk(data): data framed as one chunk of a chunked body
// ("" for empty data, which would otherwise end the body).
func httpChunk(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "write"
	if err := vm.CheckArgs(fn, args, 1, 1); err != nil {
		return vm.Nil, err
	}
	s, err := strArg(fn, args, 0)
	if err != nil {
		return vm.Nil, err
	}
	if s == "" {
		return vm.Str(""), nil
	}
	var b strings.Builder
	b.Grow(len(s) + 20)
	b.WriteString(strconv.FormatInt(int64(len(s)), 16))
	b.WriteString("\r\n")
	b.WriteString(s)
	b.WriteString("\r\n")
	return vm.Str(b.String()), nil
}
