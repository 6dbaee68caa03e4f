// Command gotls is the Go net/http HTTPS hello world of bench/https/run.sh:
// gotls PORT CERT KEY (run it with GOMAXPROCS=1 for one core).
package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 4 {
		log.Fatal("usage: gotls PORT CERT KEY")
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Hello, World!"))
	})
	log.Fatal(http.ListenAndServeTLS("127.0.0.1:"+os.Args[1], os.Args[2], os.Args[3], nil))
}
