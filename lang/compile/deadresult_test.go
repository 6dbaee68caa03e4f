package compile

import (
	"strings"
	"testing"
)

// marked reports the slot names of the recv calls the dead-result analysis
// marked in every function of p, and how many recv calls it has.
func marked(p *Program) (names []string, recvs int) {
	var walk func(f *Funcode)
	walk = func(f *Funcode) {
		for _, ins := range f.Code {
			op, arg := Decode(ins)
			if BaseOp(op) != CALLMETHOD && BaseOp(op) != CALLMETHODSPREAD {
				continue
			}
			i := arg >> 8
			if f.Names[i] != "recv" {
				continue
			}
			recvs++
			if i < len(f.Reuse) && f.Reuse[i] != 0 {
				names = append(names, f.LocalNames[f.Reuse[i]-1])
			}
		}
		for _, k := range f.Consts {
			if g, ok := k.(*Funcode); ok {
				walk(g)
			}
		}
	}
	walk(p.Main)
	return names, recvs
}

// TestDeadResultAnalysis: which `let x = yield c.recv(n)` statements may reuse
// x's old value. Each function body is wrapped in `fn f(c, other) { ... }`.
func TestDeadResultAnalysis(t *testing.T) {
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"echo", `while true {
			let data = yield c.recv(65536)
			if not data { break }
			yield c.sendall(data)
		}`, true},
		{"if and while tests, len, send as a value", `while true {
			let data = yield c.recv(100)
			if data { print(len(data)) }
			while not data { break }
			let n = yield c.send(data)
			let m = 0
			m = yield c.send(data)
			if len(data) > 3 { yield c.sendall(data) }
		}`, true},
		{"elif", `while true {
			let data = yield c.recv(100)
			if false {} else if data { yield c.sendall(data) }
		}`, true},
		{"no use", `let data = yield c.recv(100)`, true},
		{"c declared by let", `let d = c
			while true {
				let data = yield d.recv(100)
				if not data { break }
				yield d.sendall(data)
			}`, true},
		{"other variables assigned", `let k = 0
			while true {
				let data = yield c.recv(100)
				k = k + 1
				yield c.sendall(data)
			}`, true},

		{"kept in a list", `let keep = []
			while true {
				let data = yield c.recv(100)
				keep.push(data)
			}`, false},
		{"in a list literal", `let data = yield c.recv(100)
			let l = [data]`, false},
		{"and", `let data = yield c.recv(100)
			if data and true { }`, false},
		{"or", `let data = yield c.recv(100)
			let y = data or "x"`, false},
		{"comparison", `let data = yield c.recv(100)
			if data == "x" { }`, false},
		{"print", `let data = yield c.recv(100)
			print(data)`, false},
		{"index", `let data = yield c.recv(100)
			let b = data[0]`, false},
		{"slice", `let data = yield c.recv(100)
			let b = data[1:]`, false},
		{"method", `let data = yield c.recv(100)
			let b = data.upper()`, false},
		{"return", `let data = yield c.recv(100)
			return data`, false},
		{"yielded", `let data = yield c.recv(100)
			yield data`, false},
		{"f-string", `let data = yield c.recv(100)
			let s = f"{data}"`, false},
		{"other call", `let data = yield c.recv(100)
			str(data)`, false},
		{"spread", `let data = yield c.recv(100)
			yield c.sendall(*[data])`, false},
		{"condition expression", `let data = yield c.recv(100)
			let y = 1 if data else 2`, false},
		{"not in an expression is fine, but data in it is not", `let data = yield c.recv(100)
			let y = not (data + "x")`, false},
		{"sendall without yield", `let data = yield c.recv(100)
			let op = c.sendall(data)
			yield op`, false},
		{"sendall inside timeout", `let data = yield c.recv(100)
			yield timeout(1, c.sendall(data))`, false},
		{"sendall on another conn", `let data = yield c.recv(100)
			yield other.sendall(data)`, false},
		{"sendall on two conns", `let data = yield c.recv(100)
			yield c.sendall(data)
			yield other.sendall(data)`, false},
		{"sendall with two arguments", `let data = yield c.recv(100)
			yield c.sendall(data, 1)`, false},
		{"other method of c", `let data = yield c.recv(100)
			yield c.write(data)`, false},
		{"sendall in an expression", `let data = yield c.recv(100)
			let l = [(yield c.sendall(data))]`, false},
		{"sendall as a compound assignment", `let data = yield c.recv(100)
			let n = 0
			n += yield c.send(data)`, false},
		{"shadowed len", `let len = fn(s) { return s }
			let data = yield c.recv(100)
			len(data)`, false},
		{"x reassigned", `let data = yield c.recv(100)
			data = "x"`, false},
		{"x reassigned by recv", `let data = yield c.recv(100)
			data = yield c.recv(100)`, false},
		{"x augmented", `let data = yield c.recv(100)
			data += "x"`, false},
		{"x in a multiple assignment", `let data = yield c.recv(100)
			let y = 0
			data, y = 1, 2`, false},
		{"x captured", `let data = yield c.recv(100)
			let g = fn() { return 1 if data else 0 }`, false},
		{"x captured, only tested", `let data = yield c.recv(100)
			let g = fn() { if data { } }`, false},
		{"c reassigned", `let data = yield c.recv(100)
			yield c.sendall(data)
			c = other`, false},
		{"c reassigned before", `c = other
			let data = yield c.recv(100)
			yield c.sendall(data)`, false},
		{"c captured", `let data = yield c.recv(100)
			yield c.sendall(data)
			let g = fn() { return c }`, false},
		{"c a global", `let data = yield gc.recv(100)
			yield gc.sendall(data)`, false},
		{"field receiver", `let o = {"c": c}
			let data = yield o.c.recv(100)`, false},
		{"not yield", `let op = c.recv(100)`, false},
		{"recv with a spread", `let data = yield c.recv(*[100])`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "let gc = nil\nlet timeout = nil\nfn f(c, other) {\n" + tc.body + "\n}\n"
			p, err := compileSrc(t, src)
			if err != nil {
				t.Fatal(err)
			}
			names, recvs := marked(p)
			if recvs == 0 {
				t.Fatal("no recv call in the code")
			}
			if got := len(names) > 0; got != tc.want {
				t.Errorf("marked %v, want %v", names, tc.want)
			}
		})
	}
}

// TestDeadResultInNestedFunction: an inner function's recv statement is
// analysed on its own, and a use of x in a closure disqualifies it.
func TestDeadResultInNestedFunction(t *testing.T) {
	p, err := compileSrc(t, `fn outer(c) {
		fn inner(d) {
			let data = yield d.recv(10)
			yield d.sendall(data)
		}
		let data = yield c.recv(10)
		yield c.sendall(data)
		let g = fn() { return data }
	}`)
	if err != nil {
		t.Fatal(err)
	}
	names, recvs := marked(p)
	if recvs != 2 || len(names) != 1 {
		t.Fatalf("marked %v of %d recv calls, want one of two", names, recvs)
	}
}

// TestDeadResultDisassembly: the mark shows in the listing, and the marked
// call has its own Names entry while an unmarked recv shares one.
func TestDeadResultDisassembly(t *testing.T) {
	p, err := compileSrc(t, `fn f(c) {
		let a = yield c.recv(10)
		let b = yield c.recv(10)
		let l = [b]
		let d = yield c.recv(10)
		let e = yield c.recv(10)
		l.push(e)
	}`)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	Disassemble(&b, p)
	out := b.String()
	for _, want := range []string{`"recv" reuse=1 (a) argc=1`, `"recv" reuse=4 (d) argc=1`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	f := p.Main.Consts[0].(*Funcode)
	if got := strings.Count(strings.Join(f.Names, " "), "recv"); got != 3 {
		t.Errorf("Names %q: want three recv entries (two marked, one shared)", f.Names)
	}
	if len(f.Reuse) != len(f.Names) {
		t.Errorf("Reuse %v is not parallel to Names %q", f.Reuse, f.Names)
	}
}

// TestDeadResultAnalysisHostile: forms that read x, shadow a name the proof
// relies on, or rebind c, each in a whole program; want lists the variables
// whose recv statement is marked.
func TestDeadResultAnalysisHostile(t *testing.T) {
	tests := []struct {
		name, src string
		want      string
	}{
		{"not not", `fn f(c) { let x = yield c.recv(9)
			if not not x { yield c.sendall(x) } }`, "x"},
		{"and as a condition", `fn f(c, y) { let x = yield c.recv(9)
			if x and y { } }`, ""},
		{"or as a condition", `fn f(c, y) { let x = yield c.recv(9)
			while y or x { break } }`, ""},
		{"not of an and", `fn f(c, y) { let x = yield c.recv(9)
			if not (x and y) { } }`, ""},
		{"for over x", `fn f(c) { let x = yield c.recv(9)
			for ch in x { } }`, ""},
		{"str of x", `fn f(c) { let x = yield c.recv(9)
			let s = str(x) }`, ""},
		{"len of len", `fn f(c) { let x = yield c.recv(9)
			let n = len(str(len(x))) }`, "x"},
		{"len with two arguments", `fn f(c) { let x = yield c.recv(9)
			let n = len(x, x) }`, ""},
		{"destructuring let", `fn f(c) { let x = yield c.recv(9)
			let a, b = x, 1 }`, ""},
		{"x as the receiver of sendall", `fn f(c) { let x = yield c.recv(9)
			yield x.sendall(x) }`, ""},
		{"sendall of x as its own receiver's argument", `fn f(c) { let x = yield c.recv(9)
			yield c.sendall(x)
			yield c.sendall(c) }`, "x"},
		{"a later global len", `fn f(c) { let x = yield c.recv(9)
			let n = len(x) }
			let len = fn(s) { return 0 }`, ""},
		{"a later global fn len", `fn f(c) { let x = yield c.recv(9)
			let n = len(x) }
			fn len(s) { return 0 }`, ""},
		{"len imported", `fn f(c) { let x = yield c.recv(9)
			let n = len(x) }
			import net as len`, ""},
		{"len a parameter", `fn f(c, len) { let x = yield c.recv(9)
			let n = len(x) }`, ""},
		{"len an outer local", `fn g() { let len = print
			fn f(c) { let x = yield c.recv(9)
			let n = len(x) } }`, ""},
		{"len declared in a block after", `fn f(c) { let x = yield c.recv(9)
			if true { let len = print
			let n = len(x) } }`, ""},
		{"x shadowed in an inner block", `fn f(c, keep) { let x = yield c.recv(9)
			if true { let x = "k"
			keep.push(x) }
			yield c.sendall(x) }`, "x"},
		{"inner x read after the shadow ends", `fn f(c, keep) { let x = yield c.recv(9)
			if true { let x = yield c.recv(9)
			yield c.sendall(x) }
			keep.push(x) }`, "x"},
		{"a nested fn named x", `fn f(c, keep) { let x = yield c.recv(9)
			fn x() { return 1 }
			keep.push(x) }`, "x"},
		{"a parameter named x", `fn f(c, x) { let x = yield c.recv(9)
			yield c.sendall(x) }`, "x"},
		{"a parameter named x read", `fn f(c, x) { let y = x
			let x = yield c.recv(9) }`, "x"},
		{"c shadowed in a block", `fn f(c, other) { let x = yield c.recv(9)
			if true { let c = other
			yield c.sendall(x) } }`, ""},
		{"c a for variable", `fn f(conns) { for c in conns {
			let x = yield c.recv(9)
			yield c.sendall(x) } }`, "x"},
		{"c a for variable, x outside", `fn f(conns, d) { let x = yield d.recv(9)
			for d in conns { yield d.sendall(x) } }`, ""},
		{"c assigned in a closure", `fn f(c, other) { let x = yield c.recv(9)
			let g = fn() { c = other }
			yield c.sendall(x) }`, ""},
		// a function has no recv: the call throws, nothing is reused
		{"c a nested fn", `fn f(other) { fn c() { }
			let x = yield c.recv(9) }`, "x"},
		{"c redeclared after", `fn f(c, other) { let x = yield c.recv(9)
			let c = other
			yield c.sendall(x) }`, ""},
		{"x in a default parameter", `fn f(c) { let x = yield c.recv(9)
			let g = fn(a = x) { return a } }`, ""},
		{"x in a format spec", `fn f(c) { let x = yield c.recv(9)
			let s = f"{1:{x}}" }`, ""},
		{"x thrown", `fn f(c) { let x = yield c.recv(9)
			throw x }`, ""},
		{"a bare map key is a string", `fn f(c) { let x = yield c.recv(9)
			let m = {x: 1} }`, "x"},
		{"x as a map value", `fn f(c) { let x = yield c.recv(9)
			let m = {k: x} }`, ""},
		{"x in an index assignment", `fn f(c, m) { let x = yield c.recv(9)
			m[x] = 1 }`, ""},
		{"x assigned to a field", `fn f(c, m) { let x = yield c.recv(9)
			m.k = x }`, ""},
		{"sendall result assigned to x", `fn f(c) { let x = yield c.recv(9)
			x = yield c.sendall(x) }`, ""},
		{"in a try with the handler testing x", `fn f(c) { while true {
			let x = yield c.recv(9)
			try { yield c.sendall(x) } catch e { if x { } } finally { if not x { } } } }`, "x"},
		{"top-level block", `let keep = []
			if true { let c = keep
			let x = yield c.recv(9)
			yield c.sendall(x) }`, "x"},
		{"top level", `let c = nil
			let x = yield c.recv(9)
			yield c.sendall(x)`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := compileSrc(t, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			names, recvs := marked(p)
			if recvs == 0 {
				t.Fatal("no recv call in the code")
			}
			if got := strings.Join(names, " "); got != tc.want {
				t.Errorf("marked %q, want %q", got, tc.want)
			}
		})
	}
}
