package compile

// Op is a bytecode operation. An instruction is a uint32: the op in the low 8 bits
// and a 24-bit operand above it (see Instr). CALLMETHOD packs two operands: the
// argument count in the low 8 bits of the operand and a name index in the high 16.
//
// The stack effect of each op is written as "before → after" (top of stack last).
// Ops, after the constants, has the same facts in the form the compiler reads:
// name, operand form, control flow and stack effect of every op.
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
	LJUMPF     //             →                LOCAL a; JUMPFALSE t
	LJUMPT     //             →                LOCAL a; JUMPTRUE t
	LOCALK     //             → va k           LOCAL a; SMALLINT k or CONST k (not an LKOP sequence)

	numOps
)

// Operand is the form of an instruction's operand: what it indexes or counts.
// The disassembler shows an operand by its form, and the stack check finds a
// jump's target by it.
type Operand uint8

const (
	ArgNone   Operand = iota // no operand (always 0)
	ArgCount                 // a count or a flag word, shown as a number
	ArgSigned                // a signed 24-bit number (SMALLINT)
	ArgConst                 // an index into Consts
	ArgLocal                 // a local slot
	ArgFree                  // an index into Free
	ArgGlobal                // a module global
	ArgName                  // an index into Names
	ArgMethod                // an argument count in the low 8 bits, a name index above
	ArgJump                  // a jump target
	ArgIsSet                 // a local slot in the low 8 bits, a jump target above
	ArgFormat                // FORMAT's flags
	ArgOp                    // an opcode (OPSET)
)

// Flow is where control goes after an instruction.
type Flow uint8

const (
	FlowNext   Flow = iota // on to the next instruction
	FlowBranch             // on to the next one, or to the operand's jump target
	FlowJump               // to the operand's jump target only
	FlowStop               // nowhere in this function (return, throw)
)

// Class marks the ops the peephole pass fuses into superinstructions.
type Class uint8

const (
	ClassArith   Class = 1 << iota // ADD SUB MUL DIV MOD FLOORDIV: ends an LLOP or LKOP sequence, starts an OPSET
	ClassCompare                   // LT LE GT GE EQ NE: ends an LLOP or LKOP sequence, or LLJUMPF and LKJUMPF
	ClassK                         // SMALLINT CONST FREE CELL GLOBAL: the second operand of an LKOP sequence
)

// OpInfo describes an op: the compiler's emit, the stack check (VerifyStack),
// the peephole pass and the disassembler all read it from Ops.
type OpInfo struct {
	Name    string
	Operand Operand
	Flow    Flow
	// Pop and Push are the values the op takes from the stack and the ones it
	// leaves when it goes on to the next instruction (DUP pops 1 and pushes 2).
	// When Count is set they depend on the operand and Count gives them.
	Pop, Push int
	Count     func(arg int) (pop, push int)
	// JumpPush is what a branch leaves on the stack, after popping Pop, when
	// it jumps (TRY: the error the handler starts with).
	JumpPush int
	Class    Class
	// Base is the op of the first instruction of a superinstruction's
	// sequence; 0 (NOP) for other ops, which are their own base.
	Base Op
}

func countN(arg int) (int, int)        { return arg, arg }   // REVERSE
func countUnpack(arg int) (int, int)   { return 1, arg }     // UNPACK
func countCall(arg int) (int, int)     { return arg + 1, 1 } // CALL: f and n arguments
func countMethod(arg int) (int, int)   { return arg&0xff + 1, 1 }
func countSpread(arg int) (int, int)   { return arg + 2, 1 } // CALLSPREAD: f, n arguments, the list
func countMethodSp(arg int) (int, int) { return arg&0xff + 2, 1 }
func countList(arg int) (int, int)     { return arg, 1 } // LIST, FSTRING
func countMap(arg int) (int, int)      { return 2 * arg, 1 }
func countSlice(arg int) (int, int)    { return 1 + arg&1 + arg>>1&1 + arg>>2&1, 1 }
func countFormat(arg int) (int, int)   { return 1 + arg&1, 1 }
func countYield(arg int) (int, int) { // operand 1: a bare yield, which pops nothing
	if arg == 1 {
		return 0, 1
	}
	return 1, 1
}

// Ops describes every op; TestOpTable checks that none is missing.
var Ops = [numOps]OpInfo{
	NOP:     {Name: "NOP"},
	POP:     {Name: "POP", Pop: 1},
	DUP:     {Name: "DUP", Pop: 1, Push: 2},
	DUP2:    {Name: "DUP2", Pop: 2, Push: 4},
	ROT3:    {Name: "ROT3", Pop: 3, Push: 3},
	SWAP:    {Name: "SWAP", Pop: 2, Push: 2},
	REVERSE: {Name: "REVERSE", Operand: ArgCount, Count: countN},
	UNPACK:  {Name: "UNPACK", Operand: ArgCount, Count: countUnpack},

	NIL:      {Name: "NIL", Push: 1},
	TRUE:     {Name: "TRUE", Push: 1},
	FALSE:    {Name: "FALSE", Push: 1},
	SMALLINT: {Name: "SMALLINT", Operand: ArgSigned, Push: 1, Class: ClassK},
	CONST:    {Name: "CONST", Operand: ArgConst, Push: 1, Class: ClassK},

	LOCAL:     {Name: "LOCAL", Operand: ArgLocal, Push: 1},
	SETLOCAL:  {Name: "SETLOCAL", Operand: ArgLocal, Pop: 1},
	CELL:      {Name: "CELL", Operand: ArgLocal, Push: 1, Class: ClassK},
	SETCELL:   {Name: "SETCELL", Operand: ArgLocal, Pop: 1},
	NEWCELL:   {Name: "NEWCELL", Operand: ArgLocal, Pop: 1},
	FREE:      {Name: "FREE", Operand: ArgFree, Push: 1, Class: ClassK},
	SETFREE:   {Name: "SETFREE", Operand: ArgFree, Pop: 1},
	GLOBAL:    {Name: "GLOBAL", Operand: ArgGlobal, Push: 1, Class: ClassK},
	SETGLOBAL: {Name: "SETGLOBAL", Operand: ArgGlobal, Pop: 1},
	BUILTIN:   {Name: "BUILTIN", Operand: ArgCount, Push: 1},
	PUTGLOBAL: {Name: "PUTGLOBAL", Operand: ArgGlobal, Pop: 1},

	ADD:      {Name: "ADD", Pop: 2, Push: 1, Class: ClassArith},
	SUB:      {Name: "SUB", Pop: 2, Push: 1, Class: ClassArith},
	MUL:      {Name: "MUL", Pop: 2, Push: 1, Class: ClassArith},
	DIV:      {Name: "DIV", Pop: 2, Push: 1, Class: ClassArith},
	FLOORDIV: {Name: "FLOORDIV", Pop: 2, Push: 1, Class: ClassArith},
	MOD:      {Name: "MOD", Pop: 2, Push: 1, Class: ClassArith},
	POW:      {Name: "POW", Pop: 2, Push: 1},
	NEG:      {Name: "NEG", Pop: 1, Push: 1},
	NOT:      {Name: "NOT", Pop: 1, Push: 1},
	EQ:       {Name: "EQ", Pop: 2, Push: 1, Class: ClassCompare},
	NE:       {Name: "NE", Pop: 2, Push: 1, Class: ClassCompare},
	LT:       {Name: "LT", Pop: 2, Push: 1, Class: ClassCompare},
	LE:       {Name: "LE", Pop: 2, Push: 1, Class: ClassCompare},
	GT:       {Name: "GT", Pop: 2, Push: 1, Class: ClassCompare},
	GE:       {Name: "GE", Pop: 2, Push: 1, Class: ClassCompare},
	IN:       {Name: "IN", Pop: 2, Push: 1},
	NOTIN:    {Name: "NOTIN", Pop: 2, Push: 1},

	JUMP:      {Name: "JUMP", Operand: ArgJump, Flow: FlowJump},
	JUMPFALSE: {Name: "JUMPFALSE", Operand: ArgJump, Flow: FlowBranch, Pop: 1},
	JUMPTRUE:  {Name: "JUMPTRUE", Operand: ArgJump, Flow: FlowBranch, Pop: 1},
	ANDJUMP:   {Name: "ANDJUMP", Operand: ArgJump, Flow: FlowBranch, Pop: 1, JumpPush: 1},
	ORJUMP:    {Name: "ORJUMP", Operand: ArgJump, Flow: FlowBranch, Pop: 1, JumpPush: 1},
	LOOP:      {Name: "LOOP", Operand: ArgJump, Flow: FlowJump},
	ISSET:     {Name: "ISSET", Operand: ArgIsSet, Flow: FlowBranch},

	CALL:             {Name: "CALL", Operand: ArgCount, Count: countCall},
	CALLMETHOD:       {Name: "CALLMETHOD", Operand: ArgMethod, Count: countMethod},
	CALLSPREAD:       {Name: "CALLSPREAD", Operand: ArgCount, Count: countSpread},
	CALLMETHODSPREAD: {Name: "CALLMETHODSPREAD", Operand: ArgMethod, Count: countMethodSp},
	RETURN:           {Name: "RETURN", Flow: FlowStop, Pop: 1},
	RETURNNIL:        {Name: "RETURNNIL", Flow: FlowStop},

	LIST:     {Name: "LIST", Operand: ArgCount, Count: countList},
	MAP:      {Name: "MAP", Operand: ArgCount, Count: countMap},
	FUNC:     {Name: "FUNC", Operand: ArgConst, Push: 1},
	INDEX:    {Name: "INDEX", Pop: 2, Push: 1},
	SETINDEX: {Name: "SETINDEX", Pop: 3},
	FIELD:    {Name: "FIELD", Operand: ArgName, Pop: 1, Push: 1},
	SETFIELD: {Name: "SETFIELD", Operand: ArgName, Pop: 2},
	SLICE:    {Name: "SLICE", Operand: ArgCount, Count: countSlice},
	FSTRING:  {Name: "FSTRING", Operand: ArgCount, Count: countList},
	FORMAT:   {Name: "FORMAT", Operand: ArgFormat, Count: countFormat},

	ITER:     {Name: "ITER", Pop: 1, Push: 1},
	FORITER:  {Name: "FORITER", Operand: ArgJump, Flow: FlowBranch, Pop: 1, Push: 2},
	FORITER2: {Name: "FORITER2", Operand: ArgJump, Flow: FlowBranch, Pop: 1, Push: 3},

	YIELD:   {Name: "YIELD", Operand: ArgCount, Count: countYield},
	THROW:   {Name: "THROW", Flow: FlowStop, Pop: 1},
	TRY:     {Name: "TRY", Operand: ArgJump, Flow: FlowBranch, JumpPush: 1},
	ENDTRY:  {Name: "ENDTRY"},
	RERAISE: {Name: "RERAISE", Flow: FlowStop, Pop: 1},
	CAUGHT:  {Name: "CAUGHT", Pop: 1, Push: 1},
	IMPORT:  {Name: "IMPORT", Operand: ArgName, Push: 1},

	LOCAL2:     {Name: "LOCAL2", Base: LOCAL},
	LLOP:       {Name: "LLOP", Base: LOCAL},
	LKOP:       {Name: "LKOP", Base: LOCAL},
	LLOPSET:    {Name: "LLOPSET", Base: LOCAL},
	LKOPSET:    {Name: "LKOPSET", Base: LOCAL},
	LLJUMPF:    {Name: "LLJUMPF", Base: LOCAL},
	LKJUMPF:    {Name: "LKJUMPF", Base: LOCAL},
	FORITERSET: {Name: "FORITERSET", Base: FORITER},
	LOCALRET:   {Name: "LOCALRET", Base: LOCAL},
	OPSET:      {Name: "OPSET", Operand: ArgOp}, // runs as its operand op: see Base
	LJUMPF:     {Name: "LJUMPF", Base: LOCAL},
	LJUMPT:     {Name: "LJUMPT", Base: LOCAL},
	LOCALK:     {Name: "LOCALK", Base: LOCAL},
}

func (op Op) String() string {
	if int(op) < len(Ops) && Ops[op].Name != "" {
		return Ops[op].Name
	}
	return "OP?"
}

// Info is op's entry in Ops (the zero OpInfo for an op past the table).
func (op Op) Info() *OpInfo {
	if int(op) < len(Ops) {
		return &Ops[op]
	}
	return &OpInfo{}
}

// Is reports whether op is of class c.
func (op Op) Is(c Class) bool { return op.Info().Class&c != 0 }

// Stack is what the instruction op arg takes from the stack and leaves on it
// when it goes on to the next instruction.
func (op Op) Stack(arg int) (pop, push int) {
	in := op.Info()
	if in.Count != nil {
		return in.Count(arg)
	}
	return in.Pop, in.Push
}

// Instr builds an instruction.
func Instr(op Op, arg int) uint32 { return uint32(op) | uint32(arg)<<8 }

// Decode splits an instruction into its op and operand.
func Decode(ins uint32) (Op, int) { return Op(ins & 0xff), int(ins >> 8) }

// MaxArg is the largest operand.
const MaxArg = 1<<24 - 1

// SignedArg reads the operand of SMALLINT.
func SignedArg(ins uint32) int64 { return int64(int32(ins) >> 8) }
