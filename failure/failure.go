// Package failure is an error that carries the steps that fix it. The packages that meet the world
// (stacks, vault, swarm) return one where they know the fix; only the command line prints it, as
// "stackgen: error: ..." followed by "stackgen: hint: ..." lines.
package failure

import (
	"errors"
	"fmt"
)

// Error is a failure with the commands or steps that fix it.
type Error struct {
	Err   error
	hints []string
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an Error; %w wraps as in fmt.Errorf.
func Errorf(format string, args ...any) *Error { return &Error{Err: fmt.Errorf(format, args...)} }

// Wrap gives err a place for hints.
func Wrap(err error) *Error { return &Error{Err: err} }

// Hint adds a step that fixes the failure.
func (e *Error) Hint(format string, args ...any) *Error {
	e.hints = append(e.hints, fmt.Sprintf(format, args...))
	return e
}

// Hints lists the fixes of the first Error in err's chain, nil when there is none.
func Hints(err error) []string {
	var e *Error
	if errors.As(err, &e) {
		return e.hints
	}
	return nil
}
