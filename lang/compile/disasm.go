package compile

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Disassemble writes a readable listing of the program: every function, its
// constants and each instruction with its file:line:col.
func Disassemble(w io.Writer, p *Program) {
	disasmFunc(w, p.Main, p)
}

func disasmFunc(w io.Writer, f *Funcode, p *Program) {
	kind := "fn"
	if f.Coroutine {
		kind = "coroutine fn"
	}
	rest := ""
	if f.Variadic {
		rest = " (the last collects the rest)"
	}
	fmt.Fprintf(w, "%s %s at %s:%d:%d: params=%d%s required=%d locals=%d stack=%d\n",
		kind, f.Name, f.File, f.Pos.Line, f.Pos.Col, f.NumParams, rest, f.NumRequired, f.NumLocals, f.MaxStack)
	for i, fv := range f.Free {
		from := "free"
		if fv.FromLocal {
			from = "local"
		}
		fmt.Fprintf(w, "  free %d: %s (from enclosing %s %d)\n", i, fv.Name, from, fv.Index)
	}
	if len(f.CellParams) > 0 {
		fmt.Fprintf(w, "  cell params: %v\n", f.CellParams)
	}
	for pc, ins := range f.Code {
		op, arg := Decode(ins)
		pos := f.PosAt(pc)
		fmt.Fprintf(w, "  %4d  %-10s %-24s %s:%d:%d\n", pc, op, operand(f, p, op, arg, ins), f.File, pos.Line, pos.Col)
	}
	for _, k := range f.Consts {
		if g, ok := k.(*Funcode); ok {
			fmt.Fprintln(w)
			disasmFunc(w, g, p)
		}
	}
}

func operand(f *Funcode, p *Program, op Op, arg int, ins uint32) string {
	local := func(i int) string {
		if i < len(f.LocalNames) {
			return fmt.Sprintf("%d (%s)", i, f.LocalNames[i])
		}
		return strconv.Itoa(i)
	}
	name := func(i int) string {
		if i < len(f.Names) {
			if i < len(f.Reuse) && f.Reuse[i] != 0 {
				// the call may reuse the dead value of this local
				return fmt.Sprintf("%s reuse=%s", strconv.Quote(f.Names[i]), local(int(f.Reuse[i]-1)))
			}
			return strconv.Quote(f.Names[i])
		}
		return "?"
	}
	// A superinstruction shows the operand of its first instruction.
	switch BaseOp(op).Info().Operand {
	case ArgOp:
		return Op(arg).String()
	case ArgSigned:
		return strconv.FormatInt(SignedArg(ins), 10)
	case ArgConst:
		if arg < len(f.Consts) {
			switch k := f.Consts[arg].(type) {
			case string:
				return fmt.Sprintf("%d (%s)", arg, strconv.Quote(k))
			case *Funcode:
				return fmt.Sprintf("%d (fn %s)", arg, k.Name)
			default:
				return fmt.Sprintf("%d (%v)", arg, k)
			}
		}
	case ArgLocal:
		return local(arg)
	case ArgFree:
		if arg < len(f.Free) {
			return fmt.Sprintf("%d (%s)", arg, f.Free[arg].Name)
		}
	case ArgGlobal:
		if p != nil && arg < len(p.Globals) {
			return fmt.Sprintf("%d (%s)", arg, p.Globals[arg])
		}
	case ArgName:
		return name(arg)
	case ArgMethod:
		spread := ""
		if BaseOp(op) == CALLMETHODSPREAD {
			spread = "+*"
		}
		return fmt.Sprintf("%s argc=%d%s", name(arg>>8), arg&0xff, spread)
	case ArgIsSet:
		return fmt.Sprintf("%s -> %d", local(arg&0xff), arg>>8)
	case ArgJump:
		return "-> " + strconv.Itoa(arg)
	case ArgFormat:
		var parts []string
		if arg&2 != 0 {
			parts = append(parts, "!r")
		}
		if arg&4 != 0 {
			parts = append(parts, "!s")
		}
		if arg&1 != 0 {
			parts = append(parts, "spec")
		}
		return strings.Join(parts, " ")
	case ArgNone:
		if arg == 0 {
			return ""
		}
	}
	return strconv.Itoa(arg)
}
