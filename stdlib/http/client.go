package http

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/yieldscript/yieldscript/lang/vm"
	ysnet "github.com/yieldscript/yieldscript/stdlib/net"
	ysurl "github.com/yieldscript/yieldscript/stdlib/url"
)

// Natives of the http module that the client and the server's connection
// handling share: query strings, URLs, and looks at a conn's state.

// httpEncodeQuery is http.encode_query(map): "a=1&b=two+words".
func httpEncodeQuery(t *vm.Task, args []vm.Value) (vm.Value, error) {
	return ysurl.EncodeQueryNative("http.encode_query", args)
}

// httpDecodeQuery is http.decode_query(text): the map of a query string or a
// form body (a repeated key keeps its last value, as req.query does).
func httpDecodeQuery(t *vm.Task, args []vm.Value) (vm.Value, error) {
	return ysurl.DecodeQueryNative("http.decode_query", args)
}

// httpResolveURL is _resolve_url(base, location): the URL a redirect's
// Location names, resolved against the URL that was asked.
func httpResolveURL(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var baseURL, loc string
	if err := vm.UnpackArgs("_resolve_url", args, "base", &baseURL, "location", &loc); err != nil {
		return vm.Nil, err
	}
	base, err := url.Parse(baseURL)
	if err != nil {
		return vm.Nil, vm.Errorf(vm.KindValue, "http: bad URL %q", baseURL)
	}
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
	var c *ysnet.Conn
	if err := vm.UnpackArgs("_conn_reusable", args, "conn", connArg(&c)); err != nil {
		return vm.Nil, err
	}
	return vm.Bool(c.Idle()), nil
}

// httpChunk is _chunk(data): data framed as one chunk of a chunked body
// ("" for empty data, which would otherwise end the body).
func httpChunk(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "write"
	var s string
	if err := vm.UnpackArgs(fn, args, "s", &s); err != nil {
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
