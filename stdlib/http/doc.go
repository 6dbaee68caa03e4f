// Package http is the http module: http.ys with the natives it uses; the
// server (server.go), the client's natives (client.go), the head parser
// (parse.go), bodies (body.go) and WebSocket (websocket.go,
// websocket_frame.go).
package http
