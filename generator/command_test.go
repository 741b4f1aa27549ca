package generator

import "testing"

func TestRenderCommand(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain-word_1.2:/x@y=z+,", "plain-word_1.2:/x@y=z+,"},
		{"", "''"},
		{"two words", "'two words'"},
		{"it's", `'it'\''s'`},
		{"$HOME", "'$HOME'"},
		{"a*b", "'a*b'"},
	} {
		if got := shellQuote(tc.in); got != tc.want {
			t.Errorf("shellQuote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	s := &Spec{Arg: "my dir/stack.yaml"}
	s.applied = []Override{{Flag: "--stack", Value: "shop"}, {Flag: "--constraint", Value: "node.role == worker"}}
	want := `stackgen render --stack shop --constraint 'node.role == worker' 'my dir/stack.yaml'`
	if got := s.RenderCommand(); got != want {
		t.Fatalf("RenderCommand() = %s, want %s", got, want)
	}
	if got := (&Spec{}).RenderCommand(); got != "stackgen render" {
		t.Fatalf("no arguments: %s", got)
	}
}
