package lint_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/webvig/stackgen/lint"
)

func addFixtures(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.yaml")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
}

// FuzzLint: any bytes either fail to load with an InputError or lint to findings that all have a
// position; nothing panics or hangs.
func FuzzLint(f *testing.F) {
	addFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := lintOne("f.yml", data, lint.Options{MaxSize: 1 << 16})
		if err != nil {
			if _, ok := err.(*lint.InputError); !ok {
				t.Fatalf("load error of type %T: %v", err, err)
			}
			return
		}
		for _, fd := range res.Findings {
			if fd.Line < 1 || fd.Column < 1 || fd.File != "f.yml" || fd.Message == "" {
				t.Fatalf("finding without a position or message: %+v", fd)
			}
		}
	})
}

// FuzzPolicy: a policy file either parses or fails with an error naming the file.
func FuzzPolicy(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/.stackgen.yaml")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := lint.ParsePolicy("p.yaml", data); err != nil && err.Error()[:6] != "p.yaml" {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
