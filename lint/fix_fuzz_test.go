package lint

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker/cli/cli/compose/loader"
	composetypes "github.com/docker/cli/cli/compose/types"
	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// dockerReading is docker/cli's loader's reading of a file as `docker stack config` prints it,
// parsed back into plain values; nil when the loader refuses the file.
func dockerReading(data []byte, dir string) map[string]any {
	var out map[string]any
	func() {
		defer func() { _ = recover() }()
		dict, err := loader.ParseYAML(data)
		if err != nil {
			return
		}
		cfg, err := loader.Load(composetypes.ConfigDetails{WorkingDir: dir,
			ConfigFiles: []composetypes.ConfigFile{{Filename: "stack.yml", Config: dict}}, Environment: map[string]string{}})
		if err != nil {
			return
		}
		b, err := yaml.Marshal(cfg)
		if err == nil && yaml.Unmarshal(b, &out) != nil {
			out = nil
		}
	}()
	return out
}

// commentsOf lists the text of every comment in a YAML document, one entry a line.
func commentsOf(data []byte) []string {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	var out []string
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 200 {
			return
		}
		for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
			for _, l := range strings.Split(c, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					out = append(out, l)
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(&doc, 0)
	return out
}

// FuzzFix: --fix (with AddVersion; and with --dev-override, without it) never panics; what it writes loads again, keeps every comment, changes only the
// lines of its edits, and is left as it is by a second --fix; and for a file docker/cli's own
// loader accepts, the loader accepts the fixed file too and reads it the same, except in the keys
// the fixes moved (meaningOfFixes). Seeded with the fix fixtures, every rule fixture and the
// real-world corpus (when present beside the clone).
func FuzzFix(f *testing.F) {
	var seeds []string
	for _, glob := range []string{"testdata/fix/*.yml", "testdata/*/*.yaml", filepath.Join(corpusDir, "*.yml")} {
		files, _ := filepath.Glob(glob)
		seeds = append(seeds, files...)
	}
	for _, file := range seeds {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	dir, err := os.MkdirTemp("", "fixfuzz")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := FixWith("stack.yml", data, FixOptions{Env: noEnv, MaxSize: 1 << 20, AddVersion: true})
		if err != nil {
			return // not loadable: nothing is fixed
		}
		// --dev-override: the fixed file loads and is fixed for good, the override is YAML, and
		// every comment is in one or the other.
		dev, err := FixWith("stack.yml", data, FixOptions{Env: noEnv, MaxSize: 1 << 20, DevOverride: "o.yml"})
		if err != nil {
			t.Fatalf("loads without --dev-override, not with it: %v", err)
		}
		if again, err := FixWith("stack.yml", dev.Data, FixOptions{Env: noEnv, MaxSize: 1 << 21, DevOverride: "o.yml"}); err != nil || !bytes.Equal(again.Data, dev.Data) || again.Override != nil {
			t.Fatalf("with --dev-override, a second fix changes the file or writes an override (%v):\n%s\nthen:\n%s", err, dev.Data, again.Override)
		}
		if dev.Override != nil {
			if _, err := yamlnode.ParseYAML(dev.Override); err != nil {
				t.Fatalf("the override does not parse: %v\n%s", err, dev.Override)
			}
		}
		for _, c := range commentsOf(data) {
			if !strings.Contains(string(dev.Data)+string(dev.Override), c) {
				t.Fatalf("with --dev-override, comment %q lost:\n%s\nfixed:\n%s\noverride:\n%s", c, data, dev.Data, dev.Override)
			}
		}
		if bytes.Equal(res.Data, data) {
			if len(res.Changes) > 0 {
				t.Fatalf("changes reported, none made: %v", res.Changes)
			}
			return
		}
		again, err := FixWith("stack.yml", res.Data, FixOptions{Env: noEnv, MaxSize: 1 << 21, AddVersion: true})
		if err != nil {
			t.Fatalf("the fixed file does not load: %v\n%s", err, res.Data)
		}
		if !bytes.Equal(again.Data, res.Data) {
			t.Fatalf("a second fix changes it:\n%s\nthen:\n%s", res.Data, again.Data)
		}
		// (A file with a second document does not parse as one here, before or after: lint reads
		// its first, as docker does.)
		if _, err := yamlnode.ParseYAML(res.Data); err != nil {
			if _, orig := yamlnode.ParseYAML(data); orig == nil {
				t.Fatalf("the fixed file does not parse: %v\n%s", err, res.Data)
			}
		}
		for _, c := range commentsOf(data) {
			if !strings.Contains(string(res.Data), c) {
				t.Fatalf("comment %q lost:\n%s\nfixed:\n%s", c, data, res.Data)
			}
		}
		if _, _, problems := changedLines(data, res.Data, res.Changes); len(problems) > 0 {
			t.Fatalf("%v\n%s\nfixed:\n%s", problems, data, res.Data)
		}
		before := dockerReading(data, dir)
		if before == nil {
			return
		}
		after := dockerReading(res.Data, dir)
		if after == nil {
			t.Fatalf("docker/cli's loader accepts the file, and refuses it fixed: %v\n%s\nfixed:\n%s", dockerVerdictInProcess(res.Data, dir, map[string]string{}), data, res.Data)
		}
		meaningOfFixes(before, after)
		if d := diffKeys("", before, after); len(d) > 0 {
			t.Fatalf("docker/cli's loader reads the fixed file differently at %v:\n%s\nfixed:\n%s", d, data, res.Data)
		}
	})
}
