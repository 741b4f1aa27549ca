package failure

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestStatusAndHints(t *testing.T) {
	inner := Errorf("docker said no").Hint("start the daemon")
	for _, tc := range []struct {
		name   string
		err    error
		status int
		hints  []string
	}{
		{"nil", nil, 0, nil},
		{"plain error", errors.New("x"), 2, nil},
		{"failure without a status", Errorf("x"), 2, nil},
		{"status", Errorf("x").WithStatus(1), 1, nil},
		{"exit only", Exit(1), 1, nil},
		{"wrapped by fmt", fmt.Errorf("deploy: %w", Errorf("x").WithStatus(1).Hint("h")), 1, []string{"h"}},
		{"outer status over inner hints", Wrap(inner).WithStatus(1).Hint("outer"), 1, []string{"outer", "start the daemon"}},
		{"outermost status wins", Wrap(Errorf("x").WithStatus(2)).WithStatus(1), 1, nil},
		{"joined", errors.Join(errors.New("a"), Errorf("b").WithStatus(1).Hint("hb")), 1, []string{"hb"}},
		{"joined without a status", errors.Join(errors.New("a"), Errorf("b").Hint("hb")), 2, []string{"hb"}},
	} {
		if got := Status(tc.err); got != tc.status {
			t.Errorf("%s: Status = %d, want %d", tc.name, got, tc.status)
		}
		if got := Hints(tc.err); !reflect.DeepEqual(got, tc.hints) {
			t.Errorf("%s: Hints = %q, want %q", tc.name, got, tc.hints)
		}
	}
	if Exit(1).Error() != "" {
		t.Error("Exit has a message")
	}
}
