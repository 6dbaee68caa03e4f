package http

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"unicode/utf8"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// The natives under the WebSocket half of http.ys: the frames are parsed and
// built here, the waiting is done by the script on the conn.

const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// wsAccept is _ws_accept(key): the Sec-WebSocket-Accept answer to key.
func wsAccept(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var key string
	if err := vm.UnpackArgs("http.websocket", args, "key", &key); err != nil {
		return vm.Nil, err
	}
	h := sha1.Sum([]byte(key + wsGUID))
	return vm.Str(base64.StdEncoding.EncodeToString(h[:])), nil
}

// wsKey is _ws_key(): a fresh Sec-WebSocket-Key.
func wsKey(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	if err := vm.UnpackArgs("_ws_key", args); err != nil {
		return vm.Nil, err
	}
	var b [16]byte
	rand.Read(b[:])
	return vm.Str(base64.StdEncoding.EncodeToString(b[:])), nil
}

// wsParse is _ws_parse(buf, server, max): nil while buf holds no whole frame;
// [fin, opcode, payload, rest, payload_length] for a frame; [code, message]
// for a protocol failure (the close code to send).
func wsParse(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var buf string
	var server bool
	var limit int64
	if err := vm.UnpackArgs("_ws_parse", args, "buf", &buf, "server", &server, "max", &limit); err != nil {
		return vm.Nil, err
	}
	f, n, werr := parseWSFrame([]byte(buf), server, !server, limit)
	if werr != nil {
		return vm.NewList([]vm.Value{vm.Int(int64(werr.Code)), vm.Str(werr.Msg)}), nil
	}
	if n == 0 {
		return vm.Nil, nil
	}
	return vm.NewList([]vm.Value{vm.Bool(f.Fin), vm.Int(int64(f.Opcode)), vm.Str(string(f.Payload)), vm.Str(buf[n:]), vm.Int(int64(len(f.Payload)))}), nil
}

// wsFrameNative is _ws_frame(opcode, payload, masked): one final frame.
func wsFrameNative(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var opcode int
	var p string
	var masked bool
	if err := vm.UnpackArgs("_ws_frame", args, "opcode", &opcode, "payload", &p, "masked", &masked); err != nil {
		return vm.Nil, err
	}
	var mask *[4]byte
	if masked {
		mask = new([4]byte)
		rand.Read(mask[:])
	}
	return vm.Str(string(appendWSFrame(make([]byte, 0, len(p)+14), true, byte(opcode), []byte(p), mask))), nil
}

// wsClosePayload is _ws_close_payload(payload): [code, reason] of a close
// frame already checked by the parser.
func wsClosePayload(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var p string
	if err := vm.UnpackArgs("_ws_close_payload", args, "payload", &p); err != nil {
		return vm.Nil, err
	}
	code, reason, werr := parseWSClose([]byte(p))
	if werr != nil {
		return vm.NewList([]vm.Value{vm.Int(int64(werr.Code)), vm.Str("")}), nil
	}
	return vm.NewList([]vm.Value{vm.Int(int64(code)), vm.Str(reason)}), nil
}

// wsCloseBody is _ws_close_body(code, reason): the payload of a close frame
// we send, refusing a code that may not be sent (value) and a reason over
// 123 bytes (value).
func wsCloseBody(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	const fn = "websocket.close"
	var code int64
	var reason string
	if err := vm.UnpackArgs(fn, args, "code", &code, "reason", &reason); err != nil {
		return vm.Nil, err
	}
	if code < 0 || code > 65535 || !wsValidCloseCode(int(code)) {
		return vm.Nil, vm.Errorf(vm.KindValue, "%s(): %d is not a close code that may be sent", fn, code)
	}
	if len(reason) > 123 || !utf8.ValidString(reason) {
		return vm.Nil, vm.Errorf(vm.KindValue, "%s(): the reason must be UTF-8 of at most 123 bytes", fn)
	}
	return vm.Str(string([]byte{byte(code >> 8), byte(code)}) + reason), nil
}

// wsUTF8 is _ws_utf8(s): whether s is valid UTF-8.
func wsUTF8(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var s string
	if err := vm.UnpackArgs("_ws_utf8", args, "s", &s); err != nil {
		return vm.Nil, err
	}
	return vm.Bool(utf8.ValidString(s)), nil
}

// wsObject is a websocket as scripts see it: type "websocket", with the
// fields and methods of the language description and nothing else. They
// live in a map that the script half (http.ys, _ws_new) keeps and updates;
// scripts cannot assign to them.
type wsObject struct{ m *vm.Map }

// wsFields are the names a websocket shows.
var wsFields = map[string]bool{
	"recv": true, "send": true, "close": true,
	"last_binary": true, "subprotocol": true, "close_code": true,
}

func (*wsObject) TypeName() string { return "websocket" }

func (*wsObject) String() string { return "<websocket>" }

func (w *wsObject) GetAttr(_ *vm.Task, name string) (vm.Value, error) {
	if wsFields[name] {
		v, _ := w.m.GetStr(name)
		return v, nil
	}
	return vm.Nil, vm.Errorf(vm.KindType, "websocket has no field or method %s", name)
}

// wsNewObject is _ws_object(m): the websocket whose state is the map m.
func wsNewObject(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var m *vm.Map
	if err := vm.UnpackArgs("_ws_object", args, "state", &m); err != nil {
		return vm.Nil, err
	}
	return vm.ObjectValue(&wsObject{m: m}), nil
}

// upgrades holds, for each request whose handler runs now and that asks
// for an upgrade, what http.websocket needs (the connection), beside the
// request rather than in it: the request map has only its documented keys.
// Used on the loop only.
type upgrades map[*vm.Map]vm.Value

// set is _upgrade_set(req, up).
func (u upgrades) set(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var req *vm.Map
	var up vm.Value
	if err := vm.UnpackArgs("_upgrade_set", args, "req", &req, "up", &up); err != nil {
		return vm.Nil, err
	}
	u[req] = up
	return vm.Nil, nil
}

// get is _upgrade_get(req): what _upgrade_set gave for req, or nil.
func (u upgrades) get(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var req *vm.Map
	if err := vm.UnpackArgs("_upgrade_get", args, "req", &req); err != nil {
		return vm.Nil, err
	}
	return u[req], nil
}

// forget is _upgrade_forget(req), when req's handler has returned.
func (u upgrades) forget(_ *vm.Task, args []vm.Value) (vm.Value, error) {
	var req *vm.Map
	if err := vm.UnpackArgs("_upgrade_forget", args, "req", &req); err != nil {
		return vm.Nil, err
	}
	delete(u, req)
	return vm.Nil, nil
}
