package time

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/yieldscript/yieldscript/lang/vm"
)

// time.strftime, time.strptime and time.date: C's % directives in the C
// locale, times as Unix seconds, UTC unless utc is false (then the local
// time zone).

var (
	longDays    = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	longMonths  = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	maxUnixTime = 1e12 // about the year 33658
)

func timeFormatMembers(members map[string]vm.Value) {
	members["strftime"] = vm.NewNative("strftime", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		const fn = "time.strftime"
		var format string
		var ta timeArgs
		if err := vm.UnpackArgs(fn, args, "format", &format, "t?", ta.stamp(), "utc?", ta.utc()); err != nil {
			return vm.Nil, err
		}
		tm, us, err := ta.time(fn)
		if err != nil {
			return vm.Nil, err
		}
		s, err := strftime(format, tm, us)
		if err != nil {
			return vm.Nil, err
		}
		return vm.Str(s), nil
	})
	members["strptime"] = vm.NewNative("strptime", func(_ *vm.Task, args []vm.Value) (vm.Value, error) {
		const fn = "time.strptime"
		var text, format string
		var ta timeArgs
		if err := vm.UnpackArgs(fn, args, "text", &text, "format", &format, "utc?", ta.utc()); err != nil {
			return vm.Nil, err
		}
		n, err := strptime(text, format, ta.loc())
		if err != nil {
			return vm.Nil, err
		}
		return vm.Int(n), nil
	})
	members["date"] = vm.NewNative("date", func(t *vm.Task, args []vm.Value) (vm.Value, error) {
		const fn = "time.date"
		var ta timeArgs
		if err := vm.UnpackArgs(fn, args, "t?", ta.stamp(), "utc?", ta.utc()); err != nil {
			return vm.Nil, err
		}
		tm, _, err := ta.time(fn)
		if err != nil {
			return vm.Nil, err
		}
		m := vm.NewMap(8)
		m.SetStr("year", vm.Int(int64(tm.Year())))
		m.SetStr("month", vm.Int(int64(tm.Month())))
		m.SetStr("day", vm.Int(int64(tm.Day())))
		m.SetStr("hour", vm.Int(int64(tm.Hour())))
		m.SetStr("minute", vm.Int(int64(tm.Minute())))
		m.SetStr("second", vm.Int(int64(tm.Second())))
		m.SetStr("weekday", vm.Int(int64((tm.Weekday()+6)%7)))
		m.SetStr("yearday", vm.Int(int64(tm.YearDay())))
		v := vm.MapValue(m)
		return v, t.ChargeDeep(v)
	})
}

// timeArgs are the optional t (Unix seconds, nil or left out: now) and utc
// (a bool, nil or left out: true) of strftime, strptime and date.
type timeArgs struct {
	t     vm.Value
	local bool
}

// stamp is t's destination for vm.UnpackArgs: a number or nil.
func (a *timeArgs) stamp() any {
	return vm.Check("a number (Unix seconds)", func(v vm.Value) bool {
		a.t = v
		k := v.Kind()
		return k == vm.KInt || k == vm.KFloat || k == vm.KNil
	})
}

// utc is utc's destination for vm.UnpackArgs: a bool or nil.
func (a *timeArgs) utc() any {
	return vm.Check("a bool", func(v vm.Value) bool {
		a.local = v.Kind() == vm.KBool && !v.AsBool()
		return v.Kind() == vm.KBool || v.IsNil()
	})
}

func (a *timeArgs) loc() *time.Location {
	if a.local {
		return time.Local
	}
	return time.UTC
}

// time is the time in its zone and its microseconds (rounded half to even,
// as Python's datetime does).
func (a *timeArgs) time(fn string) (time.Time, int, error) {
	loc := a.loc()
	if a.t.IsNil() {
		now := time.Now()
		return now.In(loc), now.Nanosecond() / 1000, nil
	}
	var sec int64
	us := 0
	if a.t.Kind() == vm.KInt {
		sec = a.t.AsInt()
		if float64(sec) > maxUnixTime || float64(sec) < -maxUnixTime {
			return time.Time{}, 0, vm.Errorf(vm.KindValue, "%s: timestamp %d is out of range", fn, sec)
		}
	} else {
		f := a.t.AsFloat()
		if !(f >= -maxUnixTime && f <= maxUnixTime) {
			return time.Time{}, 0, vm.Errorf(vm.KindValue, "%s: timestamp %s is out of range", fn, vm.FormatFloat(f))
		}
		fl := math.Floor(f)
		sec = int64(fl)
		us = int(math.RoundToEven((f - fl) * 1e6))
		if us >= 1000000 {
			sec++
			us -= 1000000
		}
	}
	return time.Unix(sec, int64(us)*1000).In(loc), us, nil
}

func pad(b *strings.Builder, n, width int, fill byte) {
	s := strconv.Itoa(n)
	if n < 0 {
		b.WriteByte('-')
		s = s[1:]
		width--
	}
	for i := len(s); i < width; i++ {
		b.WriteByte(fill)
	}
	b.WriteString(s)
}

// strftime formats tm by C's directives; %f (microseconds, six digits) is
// Python datetime's. An unknown directive or a lone % at the end throws value.
func strftime(format string, tm time.Time, us int) (string, error) {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(format) {
			return "", vm.NewError(vm.KindValue, "time.strftime: the format ends with a lone %")
		}
		if err := directive(&b, format[i], tm, us); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

func directive(b *strings.Builder, d byte, tm time.Time, us int) error {
	hour12 := tm.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	switch d {
	case 'a':
		b.WriteString(longDays[tm.Weekday()][:3])
	case 'A':
		b.WriteString(longDays[tm.Weekday()])
	case 'b', 'h':
		b.WriteString(longMonths[tm.Month()-1][:3])
	case 'B':
		b.WriteString(longMonths[tm.Month()-1])
	case 'c':
		s, _ := strftime("%a %b %e %H:%M:%S %Y", tm, us)
		b.WriteString(s)
	case 'C':
		pad(b, floorDiv(tm.Year(), 100), 2, '0')
	case 'd':
		pad(b, tm.Day(), 2, '0')
	case 'D', 'x':
		s, _ := strftime("%m/%d/%y", tm, us)
		b.WriteString(s)
	case 'e':
		pad(b, tm.Day(), 2, ' ')
	case 'f':
		pad(b, us, 6, '0')
	case 'F':
		s, _ := strftime("%Y-%m-%d", tm, us)
		b.WriteString(s)
	case 'g':
		y, _ := tm.ISOWeek()
		pad(b, ((y%100)+100)%100, 2, '0')
	case 'G':
		y, _ := tm.ISOWeek()
		pad(b, y, 0, '0')
	case 'H':
		pad(b, tm.Hour(), 2, '0')
	case 'I':
		pad(b, hour12, 2, '0')
	case 'j':
		pad(b, tm.YearDay(), 3, '0')
	case 'k':
		pad(b, tm.Hour(), 2, ' ')
	case 'l':
		pad(b, hour12, 2, ' ')
	case 'm':
		pad(b, int(tm.Month()), 2, '0')
	case 'M':
		pad(b, tm.Minute(), 2, '0')
	case 'n':
		b.WriteByte('\n')
	case 'p':
		if tm.Hour() < 12 {
			b.WriteString("AM")
		} else {
			b.WriteString("PM")
		}
	case 'r':
		s, _ := strftime("%I:%M:%S %p", tm, us)
		b.WriteString(s)
	case 'R':
		s, _ := strftime("%H:%M", tm, us)
		b.WriteString(s)
	case 's':
		b.WriteString(strconv.FormatInt(tm.Unix(), 10))
	case 'S':
		pad(b, tm.Second(), 2, '0')
	case 't':
		b.WriteByte('\t')
	case 'T', 'X':
		s, _ := strftime("%H:%M:%S", tm, us)
		b.WriteString(s)
	case 'u':
		pad(b, int(tm.Weekday()+6)%7+1, 1, '0')
	case 'U':
		pad(b, (tm.YearDay()+6-int(tm.Weekday()))/7, 2, '0')
	case 'V':
		_, w := tm.ISOWeek()
		pad(b, w, 2, '0')
	case 'w':
		pad(b, int(tm.Weekday()), 1, '0')
	case 'W':
		pad(b, (tm.YearDay()+6-(int(tm.Weekday())+6)%7)/7, 2, '0')
	case 'y':
		pad(b, ((tm.Year()%100)+100)%100, 2, '0')
	case 'Y':
		pad(b, tm.Year(), 0, '0')
	case 'z':
		_, off := tm.Zone()
		sign := byte('+')
		if off < 0 {
			sign, off = '-', -off
		}
		b.WriteByte(sign)
		pad(b, off/3600, 2, '0')
		pad(b, off%3600/60, 2, '0')
	case 'Z':
		name, _ := tm.Zone()
		b.WriteString(name)
	case '%':
		b.WriteByte('%')
	default:
		return vm.Errorf(vm.KindValue, "time.strftime: unknown directive %%%c", d)
	}
	return nil
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// strptime parses s by format into Unix seconds. Fields left out default as
// in Python (1900-01-01 00:00:00); %z sets the offset, else loc applies.
func strptime(s, format string, loc *time.Location) (int64, error) {
	year, month, day, hour, min, sec := 1900, 1, 1, 0, 0, 0
	yday, hour12, pm := -1, -1, -1
	offset, haveOffset := 0, false
	epoch, haveEpoch := int64(0), false
	fail := func() (int64, error) {
		return 0, vm.Errorf(vm.KindValue, "time.strptime: time data %s does not match format %s", vm.Repr(vm.Str(s)), vm.Repr(vm.Str(format)))
	}
	// Composite directives become their parts first.
	var expanded strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] == '%' && i+1 < len(format) {
			if sub, ok := map[byte]string{'T': "%H:%M:%S", 'D': "%m/%d/%y", 'F': "%Y-%m-%d", 'R': "%H:%M", 'r': "%I:%M:%S %p", 'c': "%a %b %d %H:%M:%S %Y", 'x': "%m/%d/%y", 'X': "%H:%M:%S", 'h': "%b"}[format[i+1]]; ok {
				expanded.WriteString(sub)
				i++
				continue
			}
			expanded.WriteByte('%')
			i++
		}
		expanded.WriteByte(format[i])
	}
	f := expanded.String()
	pos := 0
	num := func(min, max int) (int, bool) { // an unsigned number of min..max digits
		start := pos
		for pos < len(s) && pos-start < max && s[pos] >= '0' && s[pos] <= '9' {
			pos++
		}
		if pos-start < min {
			return 0, false
		}
		n, _ := strconv.Atoi(s[start:pos])
		return n, true
	}
	name := func(names []string) (int, bool) { // a full or 3-letter name, any case
		for i, n := range names {
			for _, cand := range []string{n, n[:3]} {
				if len(s)-pos >= len(cand) && strings.EqualFold(s[pos:pos+len(cand)], cand) {
					pos += len(cand)
					return i, true
				}
			}
		}
		return 0, false
	}
	// The directives that are a plain number: where it goes, its fewest and
	// most digits, and the values that match (%I and %j are checked here, as
	// in Python's patterns; the other fields after matching, with their own
	// message).
	var micro int // %f is read and dropped: the result is whole seconds
	numeric := map[byte]struct {
		to               *int
		min, max, lo, hi int
	}{
		'Y': {&year, 4, 4, 0, 9999},
		'm': {&month, 1, 2, 0, 99},
		'd': {&day, 1, 2, 0, 99},
		'e': {&day, 1, 2, 0, 99},
		'H': {&hour, 1, 2, 0, 99},
		'I': {&hour12, 1, 2, 1, 12},
		'M': {&min, 1, 2, 0, 99},
		'S': {&sec, 1, 2, 0, 99},
		'f': {&micro, 1, 6, 0, 999999},
		'j': {&yday, 1, 3, 1, 366},
	}
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' }
	for i := 0; i < len(f); i++ {
		c := f[i]
		if isSpace(c) { // whitespace matches any run of whitespace, even none
			for pos < len(s) && isSpace(s[pos]) {
				pos++
			}
			continue
		}
		if c != '%' {
			if pos >= len(s) || s[pos] != c {
				return fail()
			}
			pos++
			continue
		}
		i++
		if i == len(f) {
			return 0, vm.NewError(vm.KindValue, "time.strptime: the format ends with a lone %")
		}
		if d, isNum := numeric[f[i]]; isNum {
			if (f[i] == 'd' || f[i] == 'e') && pos < len(s) && s[pos] == ' ' {
				pos++ // a day may be padded with a space, as in Python
			}
			n, ok := num(d.min, d.max)
			if !ok || n < d.lo || n > d.hi {
				return fail()
			}
			*d.to = n
			continue
		}
		var ok bool
		switch f[i] {
		case 'y':
			year, ok = num(2, 2)
			if year < 69 {
				year += 2000
			} else {
				year += 1900
			}
		case 'b', 'B':
			var m int
			m, ok = name(longMonths)
			month = m + 1
		case 'a', 'A':
			_, ok = name(longDays)
		case 'p':
			switch {
			case len(s)-pos >= 2 && strings.EqualFold(s[pos:pos+2], "AM"):
				pm, ok = 0, true
			case len(s)-pos >= 2 && strings.EqualFold(s[pos:pos+2], "PM"):
				pm, ok = 1, true
			}
			if ok {
				pos += 2
			}
		case 'z':
			offset, ok = parseOffset(s, &pos)
			haveOffset = ok
		case 'Z':
			for _, z := range []string{"UTC", "GMT"} {
				if !ok && len(s)-pos >= 3 && strings.EqualFold(s[pos:pos+3], z) {
					pos, ok, offset, haveOffset = pos+3, true, 0, true
				}
			}
		case 's':
			start := pos
			if pos < len(s) && s[pos] == '-' {
				pos++
			}
			var n int
			if n, ok = num(1, 18); ok {
				epoch, haveEpoch = int64(n), true
				if s[start] == '-' {
					epoch = -epoch
				}
			}
		case 'n', 't':
			for pos < len(s) && isSpace(s[pos]) {
				pos++
			}
			ok = true
		case '%':
			ok = pos < len(s) && s[pos] == '%'
			pos++
		default:
			return 0, vm.Errorf(vm.KindValue, "time.strptime: unknown directive %%%c", f[i])
		}
		if !ok {
			return fail()
		}
	}
	if pos < len(s) {
		return 0, vm.Errorf(vm.KindValue, "time.strptime: unconverted data remains: %s", vm.Repr(vm.Str(s[pos:])))
	}
	if haveEpoch {
		return epoch, nil
	}
	if hour12 >= 0 {
		hour = hour12 % 12
		if pm == 1 {
			hour += 12
		}
	}
	if month < 1 || month > 12 || hour > 23 || min > 59 || sec > 61 {
		return 0, vm.Errorf(vm.KindValue, "time.strptime: a field of %s is out of range", vm.Repr(vm.Str(s)))
	}
	if yday > 0 { // day 366 of a common year is January 1 of the next, as in Python
		month, day = 1, yday
	} else if day < 1 || day > time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, vm.Errorf(vm.KindValue, "time.strptime: day %d is out of range for month %d of %d", day, month, year)
	}
	if haveOffset {
		loc = time.FixedZone("", offset)
	}
	return time.Date(year, time.Month(month), day, hour, min, sec, 0, loc).Unix(), nil
}

// parseOffset reads Z, ±HH, ±HHMM or ±HH:MM into seconds east of UTC.
func parseOffset(s string, pos *int) (int, bool) {
	p := *pos
	if p < len(s) && (s[p] == 'Z' || s[p] == 'z') {
		*pos = p + 1
		return 0, true
	}
	if p >= len(s) || (s[p] != '+' && s[p] != '-') {
		return 0, false
	}
	sign := 1
	if s[p] == '-' {
		sign = -1
	}
	p++
	digits := func(n int) (int, bool) {
		if len(s)-p < n {
			return 0, false
		}
		v := 0
		for i := 0; i < n; i++ {
			if s[p+i] < '0' || s[p+i] > '9' {
				return 0, false
			}
			v = v*10 + int(s[p+i]-'0')
		}
		p += n
		return v, true
	}
	h, ok := digits(2)
	if !ok {
		return 0, false
	}
	if p < len(s) && s[p] == ':' {
		p++
	}
	m, ok := digits(2)
	if !ok || h > 23 || m > 59 {
		return 0, false
	}
	*pos = p
	return sign * (h*3600 + m*60), true
}
