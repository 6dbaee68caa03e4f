// Package scheduler runs tasks: a FIFO ready queue, a timer heap, the poller
// of runtime/poll (epoll or kqueue), and the awaitables every task can wait
// for (tasks, sleep, all, race, timeout). One Loop serves one Machine on one
// locked OS thread; other goroutines reach it only through Post.
//
// The scheduler knows tasks only through lang/vm's Task API (Run, Resume,
// Throw and the awaitable a task yields); it knows nothing of bytecode.
package scheduler
