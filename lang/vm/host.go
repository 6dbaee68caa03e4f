package vm

// The interfaces a host object (a Go value wrapped with ObjectValue) can
// implement. The VM asks for each with a type assertion where a script uses
// the object that way; an object implements only Object and what it needs.

// Object is a value defined outside the core: tasks, connections, modules, host types.
type Object interface {
	TypeName() string
}

// AttrGetter is an Object with fields or methods (`obj.name`).
type AttrGetter interface {
	GetAttr(t *Task, name string) (Value, error)
}

// AttrSetter is an Object whose fields can be assigned (`obj.name = v`).
type AttrSetter interface {
	SetAttr(t *Task, name string, v Value) error
}

// Stringer is an Object with its own str().
type Stringer interface {
	String() string
}

// Lener is an Object with a length (len(obj)).
type Lener interface {
	Len() int
}

// MethodCaller is an Object whose methods scripts can call without a bound
// method value being made first: obj.name(args) calls CallMethod, and only when
// found is false reads the field with GetAttr and calls what it holds.
type MethodCaller interface {
	CallMethod(t *Task, name string, args []Value) (result Value, found bool, err error)
}

// MethodYielder is an object whose methods return awaitables that can often
// complete at once: for `yield obj.name(args)`, YieldMethodNow either does the
// whole operation (done is true: the yield gives v or throws err), or parks
// the task (t.Park, done false: the task stops with StatusPark on the call and
// its driver runs the call again when it may complete), or registers the wait
// with the task's driver itself (t.Wait, done false: the task stops with
// StatusWait at the yield and is resumed with its value), or does nothing, and
// the method is called and awaited as usual. Park and Wait count only for the
// call that made them and only when it returns done false: a call that
// returns done true gives its v or err whatever it called.
type MethodYielder interface {
	YieldMethodNow(t *Task, name string, args []Value) (v Value, err *Error, done bool)
}

// Ready is an awaitable that can often complete at once (a queue that has an
// item, a socket that has data). TryNow either completes it — done is true, and
// the yield gives v or throws err without the task leaving the dispatch loop —
// or leaves it to the scheduler as an ordinary awaitable.
type Ready interface {
	TryNow(t *Task) (v Value, err *Error, done bool)
}

// Awaitable marks objects a task can wait for. The VM hands them to whoever
// drives the task (the scheduler) and knows nothing else about them.
type Awaitable interface {
	Object
	Awaitable()
}
