package net

import "syscall"

// errNoNet is ENONET (the machine is not on the network), which only Linux has.
const errNoNet = syscall.ENONET
