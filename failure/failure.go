// Package failure is an error that carries the steps that fix it and the exit status it means. The
// packages that meet the world (stacks, vault, swarm) return one where they know the fix or the
// status; only the command line prints it, as "stackgen: error: ..." followed by "stackgen: hint:
// ..." lines, and exits with Status(err).
package failure

import (
	"errors"
	"fmt"
)

// Error is a failure with the commands or steps that fix it. Err may be nil for a failure that has
// nothing to say beyond its status (findings already printed).
type Error struct {
	Err    error
	hints  []string
	status int // 0: not set
}

func (e *Error) Error() string {
	if e.Err == nil {
		return ""
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an Error; %w wraps as in fmt.Errorf.
func Errorf(format string, args ...any) *Error { return &Error{Err: fmt.Errorf(format, args...)} }

// Wrap gives err a place for hints and a status.
func Wrap(err error) *Error { return &Error{Err: err} }

// Hint adds a step that fixes the failure.
func (e *Error) Hint(format string, args ...any) *Error {
	e.hints = append(e.hints, fmt.Sprintf(format, args...))
	return e
}

// WithStatus sets the exit status the failure means: 1 for findings, failed checks and a change
// that did not converge; 2 (the default) for bad usage or input and anything that changed nothing.
func (e *Error) WithStatus(code int) *Error {
	e.status = code
	return e
}

// Exit is a failure with a status and nothing more to print.
func Exit(code int) *Error { return &Error{status: code} }

// Hints lists the fixes of every Error in err's chain, outermost first.
func Hints(err error) []string {
	var out []string
	walk(err, func(e *Error) bool {
		out = append(out, e.hints...)
		return false
	})
	return out
}

// Status is the exit status err means: that of the outermost Error in its chain that sets one, else
// 2. A nil error is 0.
func Status(err error) int {
	if err == nil {
		return 0
	}
	status := 2
	walk(err, func(e *Error) bool {
		if e.status != 0 {
			status = e.status
			return true
		}
		return false
	})
	return status
}

// walk calls fn on each Error in err's chain, joined errors included, outermost first, until fn
// returns true.
func walk(err error, fn func(*Error) bool) bool {
	for err != nil {
		if e, ok := err.(*Error); ok && fn(e) {
			return true
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, inner := range j.Unwrap() {
				if walk(inner, fn) {
					return true
				}
			}
			return false
		}
		err = errors.Unwrap(err)
	}
	return false
}
