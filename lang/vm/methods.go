package vm

import (
	"slices"
	"strings"
)

var stringMethods map[string]MethodFunc
var listMethods map[string]MethodFunc

func init() {
	stringMethods = map[string]MethodFunc{
		"strip":      strStrip("strip", true, true),
		"lstrip":     strStrip("lstrip", true, false),
		"rstrip":     strStrip("rstrip", false, true),
		"startswith": strBinary("startswith", strings.HasPrefix, Bool),
		"endswith":   strBinary("endswith", strings.HasSuffix, Bool),
		"replace":    strReplace,
		"join":       strJoin,
	}
	addStringMethods(stringMethods)
	listMethods = map[string]MethodFunc{
		"push":    listPush,
		"pop":     listPop,
		"insert":  listInsert,
		"index":   listIndex,
		"sort":    listSort,
		"reverse": listReverse,
		"extend":  listExtend,
		"remove":  listRemove,
		"copy":    listCopy,
		"clear":   listClear,
		"count":   listCount,
	}
}

func strArg(fn string, args []Value, i int) (string, error) {
	if args[i].k != KStr {
		return "", TypeArgError(fn, i+1, "a string", args[i])
	}
	return args[i].AsStr(), nil
}

// asciiSpace is the whitespace strip, lstrip and rstrip remove when given no
// characters: the ASCII set Python's bytes.strip uses.
const asciiSpace = " \t\n\r\v\f"

func strStrip(name string, left, right bool) MethodFunc {
	return func(t *Task, recv Value, args []Value) (Value, error) {
		if err := CheckArgs(name, args, 0, 1); err != nil {
			return Nil, err
		}
		chars := asciiSpace
		if len(args) == 1 && args[0].k != KNil {
			var err error
			if chars, err = strArg(name, args, 0); err != nil {
				return Nil, err
			}
		}
		return Str(trimBytes(recv.AsStr(), chars, left, right)), nil
	}
}

// trimBytes removes from the start (left) and the end (right) of s every byte
// that occurs in chars: bytes, not UTF-8 characters, as strings are byte
// strings (strings.Trim would treat chars as a set of characters).
func trimBytes(s, chars string, left, right bool) string {
	var set [256]bool
	for i := 0; i < len(chars); i++ {
		set[chars[i]] = true
	}
	i, j := 0, len(s)
	if left {
		for i < j && set[s[i]] {
			i++
		}
	}
	if right {
		for j > i && set[s[j-1]] {
			j--
		}
	}
	return s[i:j]
}

func strNoArg(name string, f func(string) string) MethodFunc {
	return func(t *Task, recv Value, args []Value) (Value, error) {
		if err := CheckArgs(name, args, 0, 0); err != nil {
			return Nil, err
		}
		return Str(f(recv.AsStr())), nil
	}
}

// strBinary makes a string method of one string argument: f of the receiver
// and the argument, made a value by wrap (Bool for a predicate, Str for a
// string).
func strBinary[R any](name string, f func(string, string) R, wrap func(R) Value) MethodFunc {
	return func(t *Task, recv Value, args []Value) (Value, error) {
		if err := CheckArgs(name, args, 1, 1); err != nil {
			return Nil, err
		}
		a, err := strArg(name, args, 0)
		if err != nil {
			return Nil, err
		}
		return wrap(f(recv.AsStr(), a)), nil
	}
}

func strReplace(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("replace", args, 2, 2); err != nil {
		return Nil, err
	}
	old, err := strArg("replace", args, 0)
	if err != nil {
		return Nil, err
	}
	nw, err := strArg("replace", args, 1)
	if err != nil {
		return Nil, err
	}
	return Str(strings.ReplaceAll(recv.AsStr(), old, nw)), nil
}

func strJoin(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("join", args, 1, 1); err != nil {
		return Nil, err
	}
	if args[0].k != KList {
		return Nil, TypeArgError("join", 1, "a list of strings", args[0])
	}
	items := args[0].AsList().Snapshot()
	sep := recv.AsStr()
	n := len(sep) * max(len(items)-1, 0)
	for i, it := range items {
		if it.k != KStr {
			return Nil, Errorf(KindType, "join() list item %d must be a string, not %s", i, it.TypeName())
		}
		n += int(it.n)
	}
	var b strings.Builder
	b.Grow(n)
	last := 0
	for i, it := range items {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(it.AsStr())
		if b.Len()-last >= pollWork*int(valueSize) || i%pollWork == pollWork-1 {
			if e := t.poll(pollWork); e != nil {
				return Nil, e
			}
			last = b.Len()
		}
	}
	return Str(b.String()), nil
}

func listPush(t *Task, recv Value, args []Value) (Value, error) {
	if len(args) != 1 {
		return Nil, ArgError("push", 1, 1, len(args))
	}
	recv.AsList().Append(args[0])
	return Nil, nil
}

func listPop(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("pop", args, 0, 1); err != nil {
		return Nil, err
	}
	l := recv.AsList()
	if l.n == 0 {
		return Nil, NewError(KindIndex, "pop from an empty list")
	}
	i := l.n - 1
	if len(args) == 1 {
		var err error
		if i, err = normIndex(args[0], l.n, "pop"); err != nil {
			return Nil, err
		}
	}
	v := l.At(i)
	l.remove(i)
	return v, nil
}

func listInsert(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("insert", args, 2, 2); err != nil {
		return Nil, err
	}
	if args[0].k != KInt {
		return Nil, TypeArgError("insert", 1, "an int", args[0])
	}
	l := recv.AsList()
	i := args[0].AsInt()
	n := int64(l.n)
	if i < 0 {
		i += n
		if i < 0 {
			i = 0
		}
	}
	if i > n {
		i = n
	}
	l.insert(int(i), args[1])
	return Nil, nil
}

func listIndex(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("index", args, 1, 1); err != nil {
		return Nil, err
	}
	i, err := recv.AsList().find(args[0])
	if err != nil {
		return Nil, err
	}
	return Int(int64(i)), nil
}

// find is the position of the first item equal to v, or a value error when
// there is none (index and remove).
func (l *List) find(v Value) (int, error) {
	for i := 0; i < l.n; i++ {
		eq, err := Equal(l.At(i), v)
		if err != nil {
			return 0, err
		}
		if eq {
			return i, nil
		}
	}
	return 0, Errorf(KindValue, "%s is not in the list", Repr(v))
}

func listSort(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("sort", args, 0, 2); err != nil {
		return Nil, err
	}
	key, reverse, err := sortArgs("sort", args, 1)
	if err != nil {
		return Nil, err
	}
	return sortList(t, recv.AsList(), key, reverse, "sort")
}

// sortClass is what checkSortable groups items by: 1 numbers, 2 strings,
// 3 lists, 0 anything else (which < cannot order).
func sortClass(v Value) int {
	switch v.k {
	case KInt, KFloat:
		return 1
	case KStr:
		return 2
	case KList:
		return 3
	}
	return 0
}

func checkSortable(items []Value) error {
	for _, v := range items {
		c := sortClass(v)
		if c == 0 {
			return Errorf(KindType, "cannot sort %s: sort orders numbers, strings or lists", v.TypeName())
		}
		if c != sortClass(items[0]) {
			return Errorf(KindType, "cannot compare %s and %s", items[0].TypeName(), v.TypeName())
		}
	}
	return nil
}

func listReverse(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("reverse", args, 0, 0); err != nil {
		return Nil, err
	}
	l := recv.AsList()
	slices.Reverse(l.vals())
	slices.Reverse(l.words())
	return Nil, nil
}

func listExtend(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("extend", args, 1, 1); err != nil {
		return Nil, err
	}
	if args[0].k != KList {
		return Nil, TypeArgError("extend", 1, "a list", args[0])
	}
	recv.AsList().extend(args[0].AsList())
	return Nil, nil
}

func listRemove(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("remove", args, 1, 1); err != nil {
		return Nil, err
	}
	l := recv.AsList()
	i, err := l.find(args[0])
	if err != nil {
		return Nil, err
	}
	l.remove(i)
	return Nil, nil
}

func listCopy(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("copy", args, 0, 0); err != nil {
		return Nil, err
	}
	return ListValue(recv.AsList().clone()), nil
}

func listClear(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("clear", args, 0, 0); err != nil {
		return Nil, err
	}
	l := recv.AsList()
	clear(l.vals())
	l.n = 0
	return Nil, nil
}

func listCount(t *Task, recv Value, args []Value) (Value, error) {
	if err := CheckArgs("count", args, 1, 1); err != nil {
		return Nil, err
	}
	n := 0
	l := recv.AsList()
	for i := 0; i < l.n; i++ {
		eq, err := Equal(l.At(i), args[0])
		if err != nil {
			return Nil, err
		}
		if eq {
			n++
		}
	}
	return Int(int64(n)), nil
}

// MethodNames lists the built-in methods of v's type, sorted, when v is a
// string or a list (nil otherwise), for completion.
func MethodNames(v Value) []string {
	var ms map[string]MethodFunc
	switch v.k {
	case KStr:
		ms = stringMethods
	case KList:
		ms = listMethods
	default:
		return nil
	}
	names := make([]string, 0, len(ms))
	for n := range ms {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
