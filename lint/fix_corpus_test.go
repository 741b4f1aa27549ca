//go:build !mutation

// TestFixCorpus runs the real docker binary on every corpus file and on each file --fix changed
// (a few minutes); mutation testing (gremlins --tags mutation) leaves it out, as TestCorpusParity.

package lint

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
)

// dockerConfig is `docker stack config -c FILE`'s output, parsed: docker's own normalized reading
// of the file.
func dockerConfig(t *testing.T, docker, dir, name string) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, docker, "stack", "config", "-c", name)
	cmd.Dir = dir
	for k, v := range parityEnv(dir) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Errorf("%s: docker stack config: %v: %s", name, err, errOut.String())
		return nil
	}
	var m map[string]any
	if err := yaml.Unmarshal(out.Bytes(), &m); err != nil {
		t.Errorf("%s: docker stack config printed what does not parse: %v", name, err)
	}
	return m
}

// TestFixCorpus: on every real-world file, --fix is idempotent and changes only the lines of the
// keys it fixes; no file docker accepted is refused after it; a file docker refuses after it has a
// remaining SW error that carries docker's reason; and for a file docker accepted, docker's own
// reading of the fixed file equals its reading of the original except in the keys the fixes moved,
// which carry the same meaning (meaningOfFixes).
func TestFixCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("-short leaves out the --fix corpus run (docker stack config and deploy over 214 files and their fixed versions, a few minutes); run it with go test -run TestFixCorpus ./lint")
	}
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Fatal("the docker CLI is not on PATH; this test runs the real `docker stack config` and `docker stack deploy` (client side only): apt-get install -y docker.io, or install docker-ce-cli")
	}
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		abs, _ := filepath.Abs(corpusDir)
		t.Fatalf("the real-world corpus is missing: expected it at %s (../shared/corpus/realworld from the repository root, beside the clone): %v", abs, err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && e.Name() != "SOURCES.md" {
			files = append(files, e.Name())
		}
	}
	if len(files) < 200 {
		t.Fatalf("the corpus at %s holds %d files; expected the 214 of SOURCES.md", corpusDir, len(files))
	}
	var mu sync.Mutex
	var fails []string
	var unloadable, changedFiles, acceptedBefore, acceptedAfter, nowAccepted, stillRefused, removed, added, keysCompared, keysMoved, fixes int
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for _, name := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			failf := func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				fails = append(fails, name+": "+fmt.Sprintf(format, args...))
			}
			data, err := os.ReadFile(filepath.Join(corpusDir, name))
			if err != nil {
				t.Error(err)
				return
			}
			dir := t.TempDir()
			env := parityEnv(dir)
			lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
			write := func(b []byte) {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
					t.Error(err)
				}
			}
			write(data)
			before := askDocker(t, docker, dir, name)
			res, err := Fix(name, data, lookup, 0)
			if err != nil {
				mu.Lock()
				unloadable++
				if !before.rejected {
					acceptedBefore++
					acceptedAfter++
				}
				mu.Unlock()
				return
			}
			again, err := Fix(name, res.Data, lookup, 0)
			switch {
			case err != nil:
				failf("the fixed file cannot be loaded: %v", err)
				return
			case !bytes.Equal(again.Data, res.Data) || len(again.Changes) > 0:
				failf("a second --fix changes it again: %v", again.Changes)
			}
			r, a, problems := changedLines(data, res.Data, res.Changes)
			for _, p := range problems {
				failf("%s", p)
			}
			after := before
			var cb map[string]any
			changed := !bytes.Equal(data, res.Data)
			if changed {
				if !before.rejected {
					cb = dockerConfig(t, docker, dir, name)
				}
				write(res.Data)
				after = askDocker(t, docker, dir, name)
			}
			switch {
			case !before.rejected && after.rejected:
				failf("docker accepted it, and refuses the fixed file: %s", after.reason)
			case after.rejected:
				rejected, errs, _, loadErr := stackgenVerdict(dir, name, res.Data)
				var msgs []string
				for _, f := range errs {
					msgs = append(msgs, f.Rule+": "+f.Message)
				}
				if !rejected || !namesReason(after.reason, msgs, loadErr) {
					failf("docker refuses the fixed file (%s) and no remaining SW error says why: %s", after.reason, strings.Join(msgs, "; "))
				}
			}
			moved, compared := 0, 0
			if changed && !before.rejected && !after.rejected && cb != nil {
				ca := dockerConfig(t, docker, dir, name)
				moved = meaningOfFixes(cb, ca)
				for _, k := range diffKeys("", cb, ca) {
					failf("docker's reading of the fixed file differs at %s", k)
				}
				compared = countLeaves(ca)
			}
			mu.Lock()
			defer mu.Unlock()
			removed += r
			added += a
			keysMoved += moved
			keysCompared += compared
			for _, c := range res.Changes {
				if !c.Note {
					fixes++
				}
			}
			if changed {
				changedFiles++
			}
			if !before.rejected {
				acceptedBefore++
			}
			if !after.rejected {
				acceptedAfter++
			}
			if before.rejected && !after.rejected {
				nowAccepted++
			}
			if before.rejected && after.rejected && changed {
				stillRefused++
			}
		}()
	}
	wg.Wait()
	sort.Strings(fails)
	for _, f := range fails {
		t.Error(f)
	}
	if changedFiles == 0 || fixes == 0 {
		t.Fatal("--fix changed no corpus file: the test checked nothing")
	}
	if keysMoved == 0 {
		t.Fatal("no file docker accepted had a key moved: the comparison of docker's readings checked nothing")
	}
	t.Logf("%d files (%d lint cannot load, left untouched); --fix made %d fixes in %d files: %d lines removed, %d added, each within a fix's edits", len(files), unloadable, fixes, changedFiles, removed, added)
	t.Logf("docker accepts %d before, %d after: %d refused files now accepted, %d changed files still refused with an SW error that says why", acceptedBefore, acceptedAfter, nowAccepted, stillRefused)
	t.Logf("docker's readings of the files it accepted before and --fix changed: %d leaf keys compared, equal after the %d keys the fixes moved", keysCompared, keysMoved)
}
