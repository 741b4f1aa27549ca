package generator_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/stacks"
)

// FuzzSpec: any bytes either fail ParseSpec with an error naming the file, or parse into a spec that
// renders, twice to the same bytes.
func FuzzSpec(f *testing.F) {
	def, _ := stacks.FS.ReadFile(stacks.Default)
	f.Add(def)
	if full, err := os.ReadFile("testdata/full/stack.yaml"); err == nil {
		f.Add(full)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := generator.ParseSpec("s.yaml", data)
		if err != nil {
			if !bytes.HasPrefix([]byte(err.Error()), []byte("s.yaml")) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		a, err := generator.Render(s, []byte("sealed"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := generator.Render(s, []byte("sealed"))
		if !bytes.Equal(a, b) {
			t.Fatal("render is not deterministic")
		}
	})
}
