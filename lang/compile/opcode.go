package compile

// Op is a bytecode operation. An instruction is a uint32: the op in the low 8 bits
// and a 24-bit operand above it (see Instr). CALLMETHOD packs two operands: the
// argument count in the low 8 bits of the operand and a name index in the high 16.
//
// The stack effect of each op is written as "before → after" (top of stack last).
type Op uint8

const (
	NOP Op = iota //         →

	POP     //                   x →
	DUP     //                   x → x x
	DUP2    //                 a b → a b a b
	ROT3    //               a b c → c a b      (move the top below the next two)
	SWAP    //                 a b → b a
	REVERSE //        v1..vn → vn..v1        (operand n)
	UNPACK  //             list → vn..v1     (operand n: the list must have n elements; its first ends on top)

	NIL      //               → nil
	TRUE     //               → true
	FALSE    //               → false
	SMALLINT //               → int(operand, a signed 24-bit number)
	CONST    //               → consts[operand]

	LOCAL     //              → locals[i]
	SETLOCAL  //            x →              (locals[i] = x)
	CELL      //              → cell(locals[i]).v
	SETCELL   //            x →              (cell(locals[i]).v = x)
	NEWCELL   //            x →              (locals[i] = new cell holding x)
	FREE      //              → free[i].v
	SETFREE   //            x →
	GLOBAL    //              → globals[i]   (throws if its declaration has not run)
	SETGLOBAL //            x →              (the declaration: let, fn or import at top level)
	BUILTIN   //              → builtins[i]

	PUTGLOBAL //            x →              (an assignment, globals[i] = x: throws if its declaration has not run)

	ADD      //           a b → a+b
	SUB      //           a b → a-b
	MUL      //           a b → a*b
	DIV      //           a b → a/b
	FLOORDIV //           a b → a//b
	MOD      //           a b → a%b
	POW      //           a b → a**b
	NEG      //             x → -x
	NOT      //             x → not x
	EQ       //           a b → a==b
	NE       //           a b → a!=b
	LT       //           a b → a<b
	LE       //           a b → a<=b
	GT       //           a b → a>b
	GE       //           a b → a>=b
	IN       //           a b → a in b
	NOTIN    //           a b → a not in b

	JUMP      //              →              (pc = operand)
	JUMPFALSE //            x →              (jump if x is falsy)
	JUMPTRUE  //            x →              (jump if x is truthy)
	ANDJUMP   //            x → x | →        (falsy: keep x and jump; else pop)
	ORJUMP    //            x → x | →        (truthy: keep x and jump; else pop)
	LOOP      //              →              (backward jump; checks budget and cancellation)
	ISSET     //              →              (jump if locals[i] holds an argument; operand: i | addr<<8)

	CALL             //   f a1..an → r            (operand n)
	CALLMETHOD       // x a1..an → r              (operand n | name<<8): x.name(a1..an)
	CALLSPREAD       //  f a1..an list → r        (operand n): f(a1..an, *list)
	CALLMETHODSPREAD // x a1..an list → r   (operand n | name<<8): x.name(a1..an, *list)
	RETURN           //           x →             (returns x)
	RETURNNIL        //             →             (returns nil)

	LIST     //       v1..vn → list
	MAP      // k1 v1..kn vn → map
	FUNC     //              → closure      (consts[operand] is a *Funcode)
	INDEX    //          x i → x[i]
	SETINDEX //        x i v →              (x[i] = v)
	FIELD    //            x → x.name       (operand: name index)
	SETFIELD //          x v →              (x.name = v)
	SLICE    //  x [lo] [hi] [step] → x[lo:hi:step] (operand bit 0: lo present, bit 1: hi, bit 2: step)
	FSTRING  //     p1..pn → str(p1)+...+str(pn)
	FORMAT   //   x [spec] → string       (an f-string field; operand bit 0: spec present, bit 1: !r, bit 2: !s)

	ITER     //            x → it
	FORITER  //           it → it v | →      (exhausted: pop it and jump to operand)
	FORITER2 //           it → it k v | →

	YIELD   //            x → r            (waits for the awaitable x)
	THROW   //            x →
	TRY     //              →              (push a handler: on a throw, restore the stack and jump to operand with the error pushed)
	ENDTRY  //              →              (pop the innermost handler)
	RERAISE //          err →              (throw err again, keeping its traceback)
	CAUGHT  //          err → v            (the value the script threw: unwraps a thrown non-error)
	IMPORT  //              → module       (operand: name index of the module name or path)

	// Superinstructions. The peephole pass (peephole.go) writes one over the first
	// instruction of a sequence and leaves the rest of the sequence in place. The
	// VM runs the whole sequence at once when the operands allow it (ints or
	// floats, a range or list iterator) and skips to the instruction after it;
	// otherwise it runs just the first instruction of the sequence, whose operand
	// the superinstruction keeps, and goes on with the next one as usual. Code
	// length, positions and jump targets stay the same. In the effects below, op
	// is one of ADD SUB MUL DIV MOD FLOORDIV LT LE GT GE EQ NE, and cmp one of LT
	// LE GT GE EQ NE. Base gives the instruction a superinstruction runs as.
	// K stands for one of SMALLINT CONST FREE CELL GLOBAL.
	LOCAL2     //             → va vb          LOCAL a; LOCAL b
	LLOP       //             → va op vb       LOCAL a; LOCAL b; op
	LKOP       //             → va op vb       LOCAL a; K b; op
	LLOPSET    //             →                LOCAL a; LOCAL b; op; SETLOCAL c
	LKOPSET    //             →                LOCAL a; K b; op; SETLOCAL c
	LLJUMPF    //             →                LOCAL a; LOCAL b; cmp; JUMPFALSE t
	LKJUMPF    //             →                LOCAL a; K b; cmp; JUMPFALSE t
	FORITERSET //          it → it | →         FORITER t; SETLOCAL x
	LOCALRET   //             →                LOCAL a; RETURN
	OPSET      //         a b →                op; SETLOCAL c  (the operand is op, one of ADD SUB MUL DIV MOD FLOORDIV)

	numOps
)

var opNames = [...]string{
	NOP: "NOP", POP: "POP", DUP: "DUP", DUP2: "DUP2", ROT3: "ROT3", SWAP: "SWAP", REVERSE: "REVERSE", UNPACK: "UNPACK",
	NIL: "NIL", TRUE: "TRUE", FALSE: "FALSE", SMALLINT: "SMALLINT", CONST: "CONST",
	LOCAL: "LOCAL", SETLOCAL: "SETLOCAL", CELL: "CELL", SETCELL: "SETCELL", NEWCELL: "NEWCELL",
	FREE: "FREE", SETFREE: "SETFREE", GLOBAL: "GLOBAL", SETGLOBAL: "SETGLOBAL", BUILTIN: "BUILTIN", PUTGLOBAL: "PUTGLOBAL",
	ADD: "ADD", SUB: "SUB", MUL: "MUL", DIV: "DIV", FLOORDIV: "FLOORDIV", MOD: "MOD", POW: "POW",
	NEG: "NEG", NOT: "NOT", EQ: "EQ", NE: "NE", LT: "LT", LE: "LE", GT: "GT", GE: "GE",
	IN: "IN", NOTIN: "NOTIN",
	JUMP: "JUMP", JUMPFALSE: "JUMPFALSE", JUMPTRUE: "JUMPTRUE", ANDJUMP: "ANDJUMP", ORJUMP: "ORJUMP",
	LOOP: "LOOP", ISSET: "ISSET",
	CALL: "CALL", CALLMETHOD: "CALLMETHOD", CALLSPREAD: "CALLSPREAD", CALLMETHODSPREAD: "CALLMETHODSPREAD", RETURN: "RETURN", RETURNNIL: "RETURNNIL",
	LIST: "LIST", MAP: "MAP", FUNC: "FUNC", INDEX: "INDEX", SETINDEX: "SETINDEX",
	FIELD: "FIELD", SETFIELD: "SETFIELD", SLICE: "SLICE", FSTRING: "FSTRING", FORMAT: "FORMAT",
	ITER: "ITER", FORITER: "FORITER", FORITER2: "FORITER2",
	YIELD: "YIELD", THROW: "THROW", TRY: "TRY", ENDTRY: "ENDTRY", RERAISE: "RERAISE",
	CAUGHT: "CAUGHT", IMPORT: "IMPORT",
	LOCAL2: "LOCAL2", LLOP: "LLOP", LKOP: "LKOP", LLOPSET: "LLOPSET", LKOPSET: "LKOPSET",
	LLJUMPF: "LLJUMPF", LKJUMPF: "LKJUMPF", FORITERSET: "FORITERSET", LOCALRET: "LOCALRET", OPSET: "OPSET",
}

func (op Op) String() string {
	if int(op) < len(opNames) && opNames[op] != "" {
		return opNames[op]
	}
	return "OP?"
}

// Instr builds an instruction.
func Instr(op Op, arg int) uint32 { return uint32(op) | uint32(arg)<<8 }

// Decode splits an instruction into its op and operand.
func Decode(ins uint32) (Op, int) { return Op(ins & 0xff), int(ins >> 8) }

// MaxArg is the largest operand.
const MaxArg = 1<<24 - 1

// SignedArg reads the operand of SMALLINT.
func SignedArg(ins uint32) int64 { return int64(int32(ins) >> 8) }
