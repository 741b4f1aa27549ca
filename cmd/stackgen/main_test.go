package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"stackgen": func() {
			// TestInterruptedWriteLeavesNoTemporaryFile holds the write before its rename.
			if marker := os.Getenv("STACKGEN_TEST_HOLD_BEFORE_RENAME"); marker != "" {
				beforeRename = func() {
					_ = os.WriteFile(marker, nil, 0o644)
					time.Sleep(time.Minute)
				}
			}
			os.Exit(run(os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs the txtar CLI scripts in testdata/script: each asserts exit status, stdout, stderr,
// and what is on disk afterwards. $REPO is the repository root, for the committed specs and keys.
func TestScripts(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// An installed stackgen (built as go install would) and the recording stand-in docker, which a
	// script puts first on PATH with "usefake" when it wants docker to answer.
	tools := t.TempDir()
	built, fake := filepath.Join(tools, "stackgen"), filepath.Join(tools, "fakedocker")
	for _, b := range [][2]string{{built, "."}, {fake, "../../swarm/testdata/fakedocker"}} {
		if out, err := exec.Command("go", "build", "-o", b[0], b[1]).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// usefake DIR: docker is the stand-in, answering from DIR/script.json and recording in DIR.
			"usefake": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: usefake DIR")
				}
				data, err := os.ReadFile(fake)
				ts.Check(err)
				ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), ".bin", "docker"), data, 0o755))
				ts.Setenv("FAKE_DOCKER", ts.MkAbs(args[0]))
			},
			// samename FILE...: every FILE names the same password secret, and only that one.
			"samename": func(ts *testscript.TestScript, neg bool, args []string) {
				names := map[string]bool{}
				for _, f := range args {
					for _, m := range secretName.FindAllString(ts.ReadFile(f), -1) {
						names[m] = true
					}
				}
				if len(names) != 1 {
					ts.Fatalf("%d password secret names across %v, want one: %v", len(names), args, names)
				}
			},
		},
		Setup: func(e *testscript.Env) error {
			e.Setenv("REPO", repo)
			e.Setenv("INSTALLED", built)
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

var secretName = regexp.MustCompile(`wheel_analyzer_redis_password_[0-9a-f]{12}`)

// TestVersionFromBuildInfo: a binary built with go build in this checkout names the commit it was
// built from, as git knows it. -buildvcs=true is explicit because a GOFLAGS of -buildvcs=false (as
// on the machines here) would leave the revision out.
func TestVersionFromBuildInfo(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v (the test needs git and this checkout's .git)", err)
	}
	bin := filepath.Join(t.TempDir(), "stackgen")
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "revision " + strings.TrimSpace(string(head))
	if !strings.HasPrefix(string(out), "stackgen ") || !strings.Contains(string(out), want) || !strings.Contains(string(out), " go1.") {
		t.Fatalf("stackgen version printed %q, want it to contain %q and the Go version", out, want)
	}
}
