// Package random is the random module: a PCG generator per machine.
package random
