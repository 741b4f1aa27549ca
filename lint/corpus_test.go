//go:build !mutation

// TestCorpusParity runs the real docker binary twice per corpus file (about 100 s in all);
// mutation testing (gremlins --tags mutation) leaves it out. See docker_oracle_test.go.

package lint

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// dockerVerdict is what the real docker CLI says about one file, judged alone in an empty directory
// with an empty environment.
type dockerVerdict struct {
	rejected bool   // docker stack config fails, or docker stack deploy refuses before the daemon
	byDeploy bool   // rejected by deploy's own client-side checks, after docker stack config passed
	reason   string // docker's message when rejected
	ignored  []string
}

// parityEnv is the whole environment both docker and stackgen see: PATH so docker runs, HOME set
// to the file's empty directory, nothing else.
func parityEnv(dir string) map[string]string {
	return map[string]string{"PATH": os.Getenv("PATH"), "HOME": dir}
}

var ignoringRe = regexp.MustCompile(`(?m)^Ignoring unsupported options: (.*)$`)
var deprecatedRe = regexp.MustCompile(`(?m)^([a-z_]+): .*$`)

// askDocker runs `docker stack config -c FILE` and, when that passes,
// `DOCKER_HOST=unix:///nonexistent docker stack deploy -c FILE parity`, which runs the rest of
// deploy's client-side checks and then fails to reach the (absent) daemon.
func askDocker(t *testing.T, docker, dir, name string) dockerVerdict {
	t.Helper()
	run := func(host bool, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, docker, args...)
		cmd.Dir = dir
		for k, v := range parityEnv(dir) {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		if host {
			cmd.Env = append(cmd.Env, "DOCKER_HOST=unix:///nonexistent")
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	var v dockerVerdict
	if out, err := run(false, "stack", "config", "-c", name); err != nil {
		v.rejected, v.reason = true, lastLine(out)
		return v
	}
	out, err := run(true, "stack", "deploy", "-c", name, "parity")
	if err == nil {
		t.Fatalf("docker stack deploy with DOCKER_HOST=unix:///nonexistent succeeded on %s: the oracle is not what this test assumes", name)
	}
	if m := ignoringRe.FindStringSubmatch(out); m != nil {
		v.ignored = strings.Split(m[1], ", ")
	}
	if _, dep, ok := strings.Cut(out, "Ignoring deprecated options:"); ok {
		dep, _, _ = strings.Cut(dep, "Since --detach")
		for _, m := range deprecatedRe.FindAllStringSubmatch(dep, -1) {
			v.ignored = append(v.ignored, m[1])
		}
	}
	if !strings.Contains(out, "Cannot connect to the Docker daemon") {
		v.rejected, v.byDeploy = true, true
		v.reason = lastLine(out)
	}
	sort.Strings(v.ignored)
	return v
}

// stackgenVerdict lints the same bytes in-process with the same environment and sibling files.
// rejected means an error finding from a Swarm rule (SW...), or input that cannot be linted at all.
func stackgenVerdict(dir, name string, data []byte) (rejected bool, errs []Finding, ignored []string, loadErr error) {
	env := parityEnv(dir)
	d, err := load(name, data, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, 0)
	if err != nil {
		return true, nil, nil, err
	}
	d.FileExists = func(p string) bool {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		_, err := os.Stat(p)
		return err == nil
	}
	found, _ := d.lint(DefaultPolicy(), false, MaxFindingsPerFile)
	res := &Result{Findings: found}
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if f.Severity == Error && strings.HasPrefix(f.Rule, "SW") && !daemonSide[f.Rule] {
			rejected = true
			errs = append(errs, f)
		}
		if f.Rule == "SW106" {
			if m := ignoredMsgRe.FindStringSubmatch(f.Message); m != nil && !seen[m[1]+m[2]] {
				seen[m[1]+m[2]] = true
				ignored = append(ignored, m[1]+m[2])
			}
		}
	}
	sort.Strings(ignored)
	return rejected, errs, ignored, nil
}

// ignoredMsgRe finds the key an SW106 message names: "KEY is ignored by docker stack deploy", or
// restart's, which quotes docker's warning and then says what deploy really does with it.
var ignoredMsgRe = regexp.MustCompile(`: ([a-z_]+) is ignored by docker stack deploy|"Ignoring unsupported options: ([a-z_]+)"`)

// TestCorpusParity: on every real-world file, stackgen has an SW error exactly when docker rejects or
// refuses it, the error carries docker's reason, and SW106 names exactly the keys docker ignores
// (plus the keys docker drops without a word, listed in silentlyIgnored).
func TestCorpusParity(t *testing.T) {
	if testing.Short() {
		t.Skip("-short leaves out the corpus parity run (docker stack config and deploy over 214 files, about two minutes); run it with go test -run TestCorpusParity ./lint, or make test")
	}
	docker, files := corpusWithDocker(t)
	type row struct{ missed, refusedMissed, falseAlarm, noReason, ignoredMissed, ignoredExtra []string }
	var mu sync.Mutex
	var r row
	rejected, withIgnored := 0, 0
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for _, name := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			data, err := os.ReadFile(filepath.Join(corpusDir, name))
			if err != nil {
				t.Error(err)
				return
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Error(err)
				return
			}
			dv := askDocker(t, docker, dir, name)
			sr, errs, ignored, loadErr := stackgenVerdict(dir, name, data)
			mu.Lock()
			defer mu.Unlock()
			if dv.rejected {
				rejected++
			}
			var msgs []string
			for _, f := range errs {
				msgs = append(msgs, f.Rule+": "+f.Message)
			}
			switch {
			case dv.rejected && !sr && dv.byDeploy:
				r.refusedMissed = append(r.refusedMissed, fmt.Sprintf("%s: docker stack deploy: %s", name, dv.reason))
			case dv.rejected && !sr:
				r.missed = append(r.missed, fmt.Sprintf("%s: docker stack config: %s", name, dv.reason))
			case !dv.rejected && sr:
				r.falseAlarm = append(r.falseAlarm, fmt.Sprintf("%s: stackgen: %s", name, strings.Join(msgs, "; ")))
			case dv.rejected && !namesReason(dv.reason, msgs, loadErr):
				r.noReason = append(r.noReason, fmt.Sprintf("%s: docker: %s; stackgen: %s", name, dv.reason, strings.Join(msgs, "; ")))
			}
			if dv.rejected && !dv.byDeploy {
				return // docker names ignored keys only for files it loads
			}
			if len(dv.ignored) > 0 {
				withIgnored++
			}
			want := map[string]bool{}
			for _, k := range dv.ignored {
				want[k] = true
			}
			got := map[string]bool{}
			for _, k := range ignored {
				got[k] = true
				if !want[k] && !ignoredKeys[k].silent {
					r.ignoredExtra = append(r.ignoredExtra, name+": "+k)
				}
			}
			for _, k := range dv.ignored {
				if !got[k] {
					r.ignoredMissed = append(r.ignoredMissed, name+": "+k)
				}
			}
		}()
	}
	wg.Wait()
	report := func(title string, list []string) {
		if len(list) > 0 {
			sort.Strings(list)
			t.Errorf("%s: %d\n  %s", title, len(list), strings.Join(list, "\n  "))
		}
	}
	report("docker stack config rejects, stackgen has no SW error", r.missed)
	report("docker stack deploy refuses before contacting the daemon, stackgen has no SW error", r.refusedMissed)
	report("docker accepts, stackgen reports an SW error", r.falseAlarm)
	report("stackgen's errors do not carry docker's reason", r.noReason)
	report("keys docker ignores that SW106 does not name (file: key)", r.ignoredMissed)
	report("keys SW106 calls ignored that docker does not", r.ignoredExtra)
	if rejected == 0 {
		t.Fatal("docker rejected no corpus file: the test checked nothing")
	}
	if withIgnored == 0 {
		t.Fatal("docker named no ignored key in any corpus file: the SW106 comparison checked nothing")
	}
	t.Logf("%d files, %d rejected or refused by docker, %d with keys docker says it ignores", len(files), rejected, withIgnored)
}

// namesReason reports whether one of stackgen's messages carries docker's reason: the property path
// or the key docker names, or the words of its message. Input that cannot be parsed at all carries
// its YAML error, which is the reason.
func namesReason(reason string, msgs []string, loadErr error) bool {
	if loadErr != nil {
		return true
	}
	for _, key := range reasonKeys(reason) {
		for _, m := range msgs {
			if strings.Contains(strings.ToLower(m), strings.ToLower(key)) {
				return true
			}
		}
	}
	return false
}

var reasonQuoted = regexp.MustCompile(`(?:services|networks|volumes|secrets|configs|\(root\))[.A-Za-z0-9_\- ]*`)

// reasonKeys are the parts of docker's message a matching finding should repeat.
func reasonKeys(reason string) []string {
	var keys []string
	for _, m := range reasonQuoted.FindAllString(reason, -1) {
		keys = append(keys, strings.Fields(m)[0])
	}
	for _, phrase := range []string{"no image specified", "invalid reference format", "forbidden properties",
		"invalid interpolation format", "version mismatched", "no such file or directory", "empty section between colons", "top-level object must be a mapping", "json: unsupported type",
		"must be a", "Additional property", "Unsupported Compose file version", "invalid mount config", "is not allowed",
		"required variable", "must be lowercase", "conflicting parameters", "conflict; only use"} {
		if strings.Contains(strings.ToLower(reason), strings.ToLower(phrase)) {
			keys = append(keys, phrase)
		}
	}
	return keys
}

// lastLine is docker's error: its last line that is not a logrus warning.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !strings.HasPrefix(l, "time=") {
			return l
		}
	}
	return strings.TrimSpace(out)
}

// corpusWithDocker is the docker CLI's path and the names of the real-world corpus's files, or a
// failure that says how to get whichever is missing.
func corpusWithDocker(t *testing.T) (docker string, files []string) {
	t.Helper()
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Fatal("the docker CLI is not on PATH; this test runs the real `docker stack config` and `docker stack deploy` (client side only): apt-get install -y docker.io, or install docker-ce-cli")
	}
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		abs, _ := filepath.Abs(corpusDir)
		t.Fatalf("the real-world corpus is missing: expected it at %s (../shared/corpus/realworld from the repository root, beside the clone): %v", abs, err)
	}
	for _, e := range entries {
		if !e.IsDir() && e.Name() != "SOURCES.md" {
			files = append(files, e.Name())
		}
	}
	if len(files) < 200 {
		t.Fatalf("the corpus at %s holds %d files; expected the 214 of SOURCES.md", corpusDir, len(files))
	}
	return docker, files
}
