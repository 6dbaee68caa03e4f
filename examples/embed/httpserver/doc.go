// Command httpserver is a Go HTTP server whose handlers call a YieldScript
// function per request, concurrently: every request is a call into one of a
// pool of VMs running the same script (-vms, default one per core), and the
// script's asynchronous lookups let requests overlap in each VM.
//
//	go run ./examples/embed/httpserver -addr 127.0.0.1:8080 -vms 2
//	curl '127.0.0.1:8080/?name=ann'
//
// It is an example of the embedding API: it uses only package yieldscript.
package main
