// Package poll is the operating-system side of the event loop: a readiness
// poller with a wake-up from other goroutines, and non-blocking sockets owned
// by the loop. It knows file descriptors and readiness, nothing about tasks,
// values or bytecode.
//
// The poller contract has five calls, as Go's runtime netpoller has:
//
//  1. open: NewPoller makes a poller with its wake-up channel (close-on-exec).
//  2. register: Add watches a non-blocking descriptor for both reading and
//     writing, edge-triggered: a change of readiness is reported once, and
//     the owner reads or writes until EAGAIN before waiting again. Remove
//     stops watching; closing the descriptor stops it too.
//  3. wait with a timeout: Wait returns the ready descriptors, blocking up to
//     the timeout (negative: no limit; zero: poll). A signal (EINTR) during a
//     timed wait returns no events so the caller recomputes its timers; an
//     untimed or zero wait is retried. The returned slice is reused.
//     WaitHold is the same wait whose first part may hold the thread from the
//     Go scheduler (a raw epoll_wait on Linux; a signal ends that part with
//     no events, timed or not; elsewhere it is Wait).
//     TimedOut tells a wait that ran out its timeout from one that ended
//     early with no event (a wake-up, a signal).
//  4. wake: Wake, from any goroutine, makes a Wait in progress (or the next
//     one) return. Wake-ups are coalesced by an atomic flag: many Wakes before
//     a Wait cost one write, and Wait consumes it.
//  5. close: Close releases the poller's descriptors. A Wake after Close (or
//     racing with it) does nothing: it can never write to a descriptor number
//     the process has reused since.
//
// Wait and Add/Remove belong to the loop's goroutine; Wake and Close may race.
//
// Implementations: epoll with an eventfd on Linux (poller_linux.go); kqueue
// with EV_CLEAR on macOS, FreeBSD, NetBSD and OpenBSD (poller_kqueue.go), woken
// through EVFILT_USER where the system has it (wake_user.go) or a pipe
// (wake_pipe.go). On every other system NewPoller returns ErrUnsupported
// (poller_other.go), and so does every socket call. Wait itself, with its
// handling of EINTR, is shared by epoll and kqueue (poller_unix.go).
package poll
