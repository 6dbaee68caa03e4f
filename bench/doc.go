// Package bench holds benchmarks of whole programs that need the event loop
// (the memory of idle connections, the embedding API under load); it has no
// code outside its tests. The programs compared with other languages, and
// RESULTS.md, live beside it.
package bench
