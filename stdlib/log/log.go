package log

import (
	"strings"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
	"github.com/yieldscript/yieldscript/stdlib/json"
)

// The log module writes one line per call to the machine's standard error,
// the writer a host gives as Options.Stderr:
//
//	2026-12-01T10:00:00.123Z INFO message key=value key2="with space"
//
// or, after log.format("json"), one JSON object per line with time, level,
// msg and the fields. Its level and format belong to the machine.

var logLevels = []string{"debug", "info", "warn", "error"}

type logState struct {
	level int // index in logLevels
	json  bool
	now   func() time.Time
}

func Module(*vm.Machine) (vm.Value, error) {
	st := &logState{level: 1, now: time.Now}
	members := map[string]vm.Value{
		"level": vm.NewNative("level", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			var level string
			if err := vm.UnpackArgs("log.level", args, "level?", &level); err != nil {
				return vm.Nil, err
			}
			if len(args) == 0 { // the getter
				return vm.Str(logLevels[st.level]), nil
			}
			for i, name := range logLevels {
				if name == level {
					st.level = i
					return vm.Nil, nil
				}
			}
			return vm.Nil, vm.Errorf(vm.KindValue, "log.level: unknown level %s (use \"debug\", \"info\", \"warn\" or \"error\")", vm.Repr(vm.Str(level)))
		}),
		"format": vm.NewNative("format", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
			var format string
			if err := vm.UnpackArgs("log.format", args, "format", &format); err != nil {
				return vm.Nil, err
			}
			switch format {
			case "text":
				st.json = false
			case "json":
				st.json = true
			default:
				return vm.Nil, vm.Errorf(vm.KindValue, "log.format: unknown format %s (use \"text\" or \"json\")", vm.Repr(vm.Str(format)))
			}
			return vm.Nil, nil
		}),
	}
	for i, name := range logLevels {
		i, full := i, "log."+name
		members[name] = vm.NewNative(name, func(t *vm.Task, args []vm.Value) (vm.Value, error) {
			return vm.Nil, st.write(t, full, i, args)
		})
	}
	return vm.NewNativeModule("log", members), nil
}

func (st *logState) write(t *vm.Task, fn string, level int, args []vm.Value) error {
	var msgv vm.Value
	var fields *vm.Map
	if err := vm.UnpackArgs(fn, args, "msg", &msgv, "fields??", &fields); err != nil {
		return err
	}
	if level < st.level {
		return nil
	}
	msg := logText(msgv)
	stamp := st.now().UTC().Format("2006-01-02T15:04:05.000Z")
	name := strings.ToUpper(logLevels[level])
	var b strings.Builder
	if st.json {
		b.WriteString(`{"time":"`)
		b.WriteString(stamp)
		b.WriteString(`","level":"`)
		b.WriteString(name)
		b.WriteString(`","msg":`)
		vm.Quote(&b, msg, vm.QuoteJSON)
		if fields != nil {
			for i := 0; i < fields.Slots(); i++ {
				k, v, ok := fields.Entry(i)
				if !ok {
					continue
				}
				b.WriteByte(',')
				vm.Quote(&b, logText(k), vm.QuoteJSON)
				b.WriteByte(':')
				var vb strings.Builder
				if err := json.Encode(&vb, v, 0); err != nil {
					vm.Quote(&b, logText(v), vm.QuoteJSON) // nan, functions, ...: their str
				} else {
					b.WriteString(vb.String())
				}
			}
		}
		b.WriteString("}\n")
	} else {
		b.WriteString(stamp)
		b.WriteByte(' ')
		b.WriteString(name)
		b.WriteByte(' ')
		if logHasControl(msg) {
			b.WriteString(vm.Repr(vm.Str(msg)))
		} else {
			b.WriteString(msg)
		}
		if fields != nil {
			for i := 0; i < fields.Slots(); i++ {
				k, v, ok := fields.Entry(i)
				if !ok {
					continue
				}
				b.WriteByte(' ')
				b.WriteString(logValue(logText(k)))
				b.WriteByte('=')
				b.WriteString(logValue(logText(v)))
			}
		}
		b.WriteByte('\n')
	}
	m := t.Machine()
	m.Flush() // what the script printed before comes first
	_, _ = m.Stderr.Write([]byte(b.String()))
	return nil
}

// logText is str(v).
func logText(v vm.Value) string {
	if v.Kind() == vm.KStr {
		return v.AsStr()
	}
	return vm.Repr(v)
}

// logValue quotes a key or value that is empty or holds a space, a quote,
// an = or a control character.
func logValue(s string) string {
	if s == "" || strings.ContainsAny(s, " \"'=") || logHasControl(s) {
		return vm.Repr(vm.Str(s))
	}
	return s
}

func logHasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}
