package compile

import "github.com/yieldscript/yieldscript/lang/parser"

// The dead-result analysis finds the statements
//
//	let x = yield c.recv(n)
//
// at which x's value from the statement's last run is garbage: nothing can
// read it again, so the receiver may reuse its memory for the new value (a
// conn reads the next message into the buffer of the last one). The call is
// marked in the code (a Names entry of its own, with x's slot plus one in
// Funcode.Reuse), and the VM tells the receiver, for that one call, which
// value its result will overwrite (vm.Task.DeadResult).
//
// A statement qualifies when, on the resolver's bindings:
//
//   - x is a plain local (no closure captures it), assigned nowhere but by
//     this let (its only declaration: each let has a slot of its own);
//   - c is a plain local or parameter of the same function, assigned nowhere
//     after its declaration, so that within x's scope every c is the object
//     whose recv gave x;
//   - every read of x is one of: the whole condition of an if or a while,
//     the operand of not, the one argument of len (the builtin, not
//     shadowed), or the one argument of `yield c.send(x)` or `yield
//     c.sendall(x)` with the same c, as a statement or as the whole value of
//     a let or a plain assignment.
//
// None of these keeps the value: a truth test, not and len give a bool or
// an int, and a conn's send and sendall complete (or throw) before their
// yield gives a value, keeping nothing of their argument. So when the
// statement runs again, the value x holds is referenced only by x's slot.
// (The same holds when x's scope is entered again, as an outer loop's next
// connection: the slot still holds the value of the scope's last run, and
// nothing else does. A frame clears its locals on entry, so the first run
// finds nil.)
// Anything else (another call, an operator, a container, a return, an
// f-string, a use in a nested function, `timeout(c.sendall(x))`, a send
// without yield, on another receiver) leaves the statement unmarked. The
// receiver decides what to reuse: a conn reuses only buffers that its event
// loop lent out for strings given at such statements.

// recvSite is a `let x = yield c.recv(...)` statement: the call, and the
// bindings of x and c.
type recvSite struct {
	call *parser.Call
	x, c *binding
}

// yieldMethodCall returns the call of `yield c.method(args)` and c, nil when
// e has another form.
func yieldMethodCall(e parser.Expr, method string) (*parser.Call, *parser.Ident) {
	y, ok := e.(*parser.Yield)
	if !ok {
		return nil, nil
	}
	call, ok := y.X.(*parser.Call)
	if !ok || call.Spread {
		return nil, nil
	}
	fld, ok := call.Fn.(*parser.Field)
	if !ok || fld.Name != method {
		return nil, nil
	}
	c, ok := fld.X.(*parser.Ident)
	if !ok {
		return nil, nil
	}
	return call, c
}

// recvSite records s, whose variable is x, when it has the form `let x =
// yield c.recv(...)` with c a name.
func (r *resolver) recvSite(s *parser.LetStmt, x *binding) {
	if s.Value == nil || x.scope != Local {
		return
	}
	call, c := yieldMethodCall(s.Value, "recv")
	if call == nil {
		return
	}
	r.fn.recvSites = append(r.fn.recvSites, recvSite{call: call, x: x, c: c.Binding.(*binding)})
}

// okUse counts a read of a name the analysis accepts; e is the whole operand.
func okUse(e parser.Expr) *binding {
	id, isIdent := e.(*parser.Ident)
	if !isIdent {
		return nil
	}
	b := id.Binding.(*binding)
	b.okUses++
	return b
}

// okTest accepts a name that is the whole condition of an if or a while, or
// the operand of not.
func okTest(e parser.Expr) { okUse(e) }

// okLen accepts the argument of len(x) with the builtin len.
func okLen(call *parser.Call) {
	fn, isIdent := call.Fn.(*parser.Ident)
	if !isIdent || call.Spread || len(call.Args) != 1 {
		return
	}
	if b := fn.Binding.(*binding); b.scope == Builtin && b.name == "len" {
		okUse(call.Args[0])
	}
}

// okSend accepts the argument of `yield c.send(x)` or `yield c.sendall(x)`,
// e being a statement or the whole value of a let or an assignment, and
// records its receiver.
func okSend(e parser.Expr) {
	call, c := yieldMethodCall(e, "sendall")
	if call == nil {
		call, c = yieldMethodCall(e, "send")
	}
	if call == nil || len(call.Args) != 1 {
		return
	}
	x := okUse(call.Args[0])
	if x == nil {
		return
	}
	cb := c.Binding.(*binding)
	if x.sendConn != nil && x.sendConn != cb {
		x.mixedSend = true
	}
	x.sendConn = cb
}

// markDeadResults decides, once the whole function (and every function in
// it) is resolved, which of its recv statements qualify.
func (fn *funcInfo) markDeadResults() {
	for _, s := range fn.recvSites {
		x, c := s.x, s.c
		if x.scope != Local || x.assigned || x.uses != x.okUses || x.mixedSend ||
			(x.sendConn != nil && x.sendConn != c) ||
			c.scope != Local || c.owner != fn || c.assigned {
			continue
		}
		if fn.deadSlots == nil {
			fn.deadSlots = map[*parser.Call]int{}
		}
		fn.deadSlots[s.call] = x.index
	}
	fn.recvSites = nil
}
