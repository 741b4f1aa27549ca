//go:build mutation

package lint

import "testing"

// corpusFiles: a mutation run tests a copy of the module that gremlins makes outside the clone,
// where the corpus beside it cannot be found; the tests that use it run on the fixtures alone there.
// `go test ./...` and `make test` (no mutation tag) use the corpus and fail without it.
func corpusFiles(t *testing.T) []string {
	t.Log("mutation build: the real-world corpus is left out, fixtures only")
	return nil
}
