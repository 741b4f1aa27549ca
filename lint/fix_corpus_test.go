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
	"slices"
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
// which carry the same meaning (meaningOfFixes). It fixes with AddVersion, the larger set of edits.
func TestFixCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("-short leaves out the --fix corpus run (docker stack config and deploy over 214 files and their fixed versions, a few minutes); run it with go test -run TestFixCorpus ./lint")
	}
	docker, files := corpusWithDocker(t)
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
			res, err := FixWith(name, data, FixOptions{Env: lookup, AddVersion: true})
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
			again, err := FixWith(name, res.Data, FixOptions{Env: lookup, AddVersion: true})
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

// composeConfig is `docker-compose -f A [-f B] config` (Compose 1.29, the compose these machines
// have), parsed, with what Compose's own merge normalizes made plain: null and {} alike, scalars
// as strings, lists in one order. nil when Compose refuses the files.
func composeConfig(t *testing.T, compose, dir string, files ...string) (map[string]any, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var args []string
	for _, f := range files {
		args = append(args, "-f", f)
	}
	cmd := exec.CommandContext(ctx, compose, append(args, "config")...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, strings.TrimSpace(errOut.String())
	}
	var m map[string]any
	if err := yaml.Unmarshal(out.Bytes(), &m); err != nil {
		t.Errorf("docker-compose config printed what does not parse: %v", err)
		return nil, ""
	}
	delete(m, "version")
	// Compose's merge writes a link whose alias is its service's name as the name alone.
	svcs, _ := m["services"].(map[string]any)
	for _, svc := range svcs {
		sm, _ := svc.(map[string]any)
		if links, ok := sm["links"].([]any); ok {
			for i, l := range links {
				if a, b, ok := strings.Cut(fmt.Sprint(l), ":"); ok && a == b {
					links[i] = a
				}
			}
		}
	}
	return plainCompose(m).(map[string]any), ""
}

func plainCompose(v any) any {
	switch x := v.(type) {
	case nil:
		return map[string]any{}
	case map[string]any:
		for k, c := range x {
			x[k] = plainCompose(c)
		}
		return x
	case []any:
		for i, c := range x {
			x[i] = plainCompose(c)
		}
		// Compose's merge reorders lists (ports, cap_add, volumes, links...), as sets.
		sort.SliceStable(x, func(i, j int) bool { return fmt.Sprint(x[i]) < fmt.Sprint(x[j]) })
		return x
	}
	return fmt.Sprint(v)
}

// withoutAddedDeploy removes from after's services the deploy keys before does not have: those the
// fixes wrote for Swarm, which docker compose reads too (and which the override cannot take back).
func withoutAddedDeploy(before, after map[string]any) int {
	n := 0
	var prune func(b, a map[string]any)
	prune = func(b, a map[string]any) {
		for k, av := range a {
			bv, ok := b[k]
			if !ok {
				delete(a, k)
				n++
				continue
			}
			if bm, ok := bv.(map[string]any); ok {
				if am, ok := av.(map[string]any); ok {
					prune(bm, am)
				}
			}
		}
	}
	bs, _ := before["services"].(map[string]any)
	as, _ := after["services"].(map[string]any)
	for name, a := range as {
		asvc, _ := a.(map[string]any)
		bsvc, _ := bs[name].(map[string]any)
		ad, _ := asvc["deploy"].(map[string]any)
		if ad == nil {
			continue
		}
		bd, _ := bsvc["deploy"].(map[string]any)
		if bd == nil {
			delete(asvc, "deploy")
			n++
			continue
		}
		prune(bd, ad)
	}
	return n
}

// withoutLinkAliases removes from after's services the network aliases before does not have that a
// link of before gives (web's links: [db:database] is db's alias database): the links fix wrote
// them for Swarm, and docker compose reads them too (the override cannot take them back; the
// links it keeps resolve the same name for the linking service).
func withoutLinkAliases(before, after map[string]any) int {
	n := 0
	bs, _ := before["services"].(map[string]any)
	as, _ := after["services"].(map[string]any)
	linked := map[string]bool{} // "db:database"
	for _, b := range bs {
		bsvc, _ := b.(map[string]any)
		links, _ := bsvc["links"].([]any)
		for _, l := range links {
			linked[fmt.Sprint(l)] = true
		}
	}
	for name, a := range as {
		asvc, _ := a.(map[string]any)
		bsvc, _ := bs[name].(map[string]any)
		anets, _ := asvc["networks"].(map[string]any)
		bnets, _ := bsvc["networks"].(map[string]any)
		for nw, v := range anets {
			am, _ := v.(map[string]any)
			aliases, _ := am["aliases"].([]any)
			bm, _ := bnets[nw].(map[string]any)
			had, _ := bm["aliases"].([]any)
			var kept []any
			for _, al := range aliases {
				if linked[name+":"+fmt.Sprint(al)] && !slices.Contains(had, al) {
					n++
					continue
				}
				kept = append(kept, al)
			}
			switch {
			case len(kept) > 0:
				am["aliases"] = kept
			case am != nil:
				delete(am, "aliases")
			}
			if _, ok := bnets[nw]; !ok && len(am) == 0 && am != nil {
				delete(anets, nw)
			}
		}
		if _, ok := bsvc["networks"]; !ok && len(anets) == 0 && anets != nil {
			delete(asvc, "networks")
		}
	}
	return n
}

// TestDevOverrideCorpus: for every corpus file --fix --dev-override gives an override for, real
// Compose (docker-compose config) reads the fixed file merged with the override as it read the
// original, except the deploy keys and link aliases the fixes wrote for Swarm. Files Compose 1.29
// itself refuses (keys newer than it, env_files that are not there) are counted, not judged.
func TestDevOverrideCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("-short leaves out the --dev-override corpus run (docker-compose config over the corpus files, about a minute); run it with go test -run TestDevOverrideCorpus ./lint")
	}
	compose, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Fatal("docker-compose is not on PATH; this test runs the real `docker-compose config` as the judge of --dev-override: apt-get install -y docker-compose")
	}
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.yml"))
	if err != nil || len(files) < 200 {
		abs, _ := filepath.Abs(corpusDir)
		t.Fatalf("the real-world corpus is missing or short at %s (../shared/corpus/realworld from the repository root, beside the clone): %v", abs, err)
	}
	var mu sync.Mutex
	var judged, refused, withOverride, keys int
	var refusals []string
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := FixWith("compose.yml", data, FixOptions{Env: noEnv, DevOverride: "compose.override.yml"})
		if err != nil || res.Override == nil {
			continue
		}
		withOverride++
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			name := filepath.Base(file)
			dir := t.TempDir()
			// The build contexts Compose checks for.
			if root, _, err := parse("compose.yml", data, 0); err == nil {
				for _, kv := range yamlnodePairs(root, "services") {
					ctx := buildContext(kv)
					if ctx != "" && !filepath.IsAbs(ctx) && !strings.Contains(ctx, "://") && !strings.Contains(ctx, "$") {
						os.MkdirAll(filepath.Join(dir, ctx), 0o755)
					}
				}
			}
			for n, b := range map[string][]byte{"orig.yml": data, "compose.yml": res.Data, "compose.override.yml": res.Override} {
				if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
					t.Error(err)
					return
				}
			}
			before, why := composeConfig(t, compose, dir, "orig.yml")
			if before == nil {
				mu.Lock()
				refused++
				refusals = append(refusals, name+": "+lastLine(why))
				mu.Unlock()
				return
			}
			after, why := composeConfig(t, compose, dir, "compose.yml", "compose.override.yml")
			if after == nil {
				t.Errorf("%s: Compose reads the original, and refuses the fixed file with its override: %s\n%s", name, why, res.Override)
				return
			}
			n := withoutAddedDeploy(before, after) + withoutLinkAliases(before, after)
			for _, k := range diffKeys("", before, after) {
				t.Errorf("%s: Compose reads the fixed file and its override differently at %s", name, k)
			}
			mu.Lock()
			judged++
			keys += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if judged == 0 {
		t.Fatal("no override was judged: the test checked nothing")
	}
	sort.Strings(refusals)
	t.Logf("%d corpus files have an override; Compose reads %d of them fixed + override as it read the original (but for %d deploy keys and link aliases written for Swarm); Compose 1.29 refuses %d originals:\n  %s",
		withOverride, judged, keys, refused, strings.Join(refusals, "\n  "))
}
