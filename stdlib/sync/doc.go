// Package sync is the sync module: queues, events and semaphores tasks wait
// on.
package sync
