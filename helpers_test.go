package yieldscript

import "github.com/yieldscript/yieldscript/lang/vm"

type (
	vmTask  = vm.Task
	vmValue = vm.Value
)

var vmNewList = vm.NewList
