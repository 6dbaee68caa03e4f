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
