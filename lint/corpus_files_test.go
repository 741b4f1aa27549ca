//go:build !mutation

package lint

import (
	"path/filepath"
	"testing"
)

// corpusFiles are the real-world corpus's files; a test that needs them fails, never skips, when the
// corpus is not beside the clone.
func corpusFiles(t *testing.T) []string {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.yml"))
	if len(files) == 0 {
		abs, _ := filepath.Abs(corpusDir)
		t.Fatalf("the real-world corpus is missing: expected it at %s (CI places shared/ beside the clone)", abs)
	}
	return files
}
