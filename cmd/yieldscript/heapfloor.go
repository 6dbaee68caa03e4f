package main

import "os"

// heapFloorBytes is the size of the heap floor: see setHeapFloor.
const heapFloorBytes = 32 << 20

// heapFloor keeps the floor reachable for the life of the process.
var heapFloor []byte

// setHeapFloor makes the garbage collector leave small heaps alone. Go starts
// a collection when the heap reaches twice what the last one left live (with
// GOGC=100), from a floor of 4 MiB, so a script that builds a list or a map of
// a few tens of megabytes is collected again and again while it grows, and in
// list- and map-heavy programs the collector did about half the work.
//
// The floor is one allocation of heapFloorBytes that is never written: the
// runtime takes fresh pages from the system already zeroed and never touches
// them, so it costs address space and no resident memory, and it holds no
// pointers, so marking never scans it. It counts as live heap, so the next
// collection starts at twice (floor + live): a heap that stays under about
// 64 MiB is never collected, and a larger one is collected as before, with
// the floor's 32 MiB added to its headroom.
//
// The yieldscript command sets it; an embedding host keeps its own policy
// (the library never sets one). When GOGC is in the environment the user has
// chosen a policy and there is no floor.
func setHeapFloor() {
	if _, ok := os.LookupEnv("GOGC"); ok {
		return
	}
	heapFloor = make([]byte, heapFloorBytes)
}
