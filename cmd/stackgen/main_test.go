package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"stackgen": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the txtar CLI scripts in testdata/script: each asserts exit status, stdout, stderr,
// and what is on disk afterwards. $REPO is the repository root, for the committed specs and keys.
func TestScripts(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("REPO", repo)
			// A script must never reach a real daemon: a regression that lets apply or deploy past its
			// guards would otherwise create secrets on whatever the machine's Docker context points at.
			// The only docker on PATH is a stub that refuses, and DOCKER_HOST leads nowhere.
			bin := filepath.Join(e.WorkDir, ".bin")
			if err := os.MkdirAll(bin, 0o755); err != nil {
				return err
			}
			stub := "#!/bin/sh\necho \"docker stub: CLI scripts never reach a Docker daemon ($*)\" >&2\nexit 97\n"
			if err := os.WriteFile(filepath.Join(bin, "docker"), []byte(stub), 0o755); err != nil {
				return err
			}
			e.Setenv("PATH", bin+string(os.PathListSeparator)+e.Getenv("PATH"))
			e.Setenv("DOCKER_HOST", "unix:///nonexistent/stackgen-cli-scripts.sock")
			return nil
		},
	})
}
