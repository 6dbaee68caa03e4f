// Package time is the time module: clocks, sleeping, and strftime-style
// formatting (timefmt.go).
package time
