// Package re is the re module: Python's regular expressions over Go's regexp,
// with sub by a function in re_sub.ys.
package re
