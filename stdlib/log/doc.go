// Package log is the log module: leveled log lines on the machine's stderr.
package log
