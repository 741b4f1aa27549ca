package lint

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/docker/cli/cli/compose/loader"
	composetypes "github.com/docker/cli/cli/compose/types"
	"github.com/sirupsen/logrus"
)

// docker/cli's loader logs warnings (ignored host IPs, deprecated keys) through logrus; the verdict
// is its error, so the noise is dropped.
func init() { logrus.SetOutput(io.Discard) }

// dockerVerdictInProcess runs what `docker stack deploy -c FILE` runs on the client before it
// contacts the daemon, with docker/cli's own packages (a test-only dependency, never linked into
// stackgen): ParseYAML, Load (forbidden properties, interpolation, schema validation, conversion,
// env_file), then cli/command/stack/loader's image check. A panic in the loader is a rejection too:
// the docker CLI would crash on that file.
func dockerVerdictInProcess(data []byte, dir string, env map[string]string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("docker/cli loader panics: %v", r)
		}
	}()
	dict, err := loader.ParseYAML(data)
	if err != nil {
		return err
	}
	cfg, err := loader.Load(composetypes.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []composetypes.ConfigFile{{Filename: "stack.yml", Config: dict}},
		Environment: env,
	})
	if err != nil {
		return err
	}
	for _, svc := range cfg.Services {
		if svc.Image == "" {
			return fmt.Errorf("invalid image reference for service %s: no image specified", svc.Name)
		}
		if _, err := reference.ParseAnyReference(svc.Image); err != nil {
			return fmt.Errorf("invalid image reference for service %s: %w", svc.Name, err)
		}
	}
	return nil
}

// stackgenRejects is stackgen's verdict on the same bytes: input it cannot lint, or an error from a
// Swarm rule that models the client (daemon-side rules excluded, as in TestCorpusParity).
func stackgenRejects(data []byte, dir string, env map[string]string) (bool, string) {
	d, err := load("stack.yml", data, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, 1<<20)
	if err != nil {
		return true, err.Error()
	}
	d.FileExists = func(p string) bool {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		st, err := os.Stat(p)
		return err == nil && st.Mode().IsRegular()
	}
	var msgs []string
	for _, f := range (&Result{Findings: lintAll(d, DefaultPolicy())}).Findings {
		if f.Severity == Error && strings.HasPrefix(f.Rule, "SW") && !daemonSide[f.Rule] {
			msgs = append(msgs, fmt.Sprintf("%d:%d: %s (%s)", f.Line, f.Column, f.Message, f.Rule))
		}
	}
	return len(msgs) > 0, strings.Join(msgs, "\n")
}

// FuzzDockerParity: for any YAML, stackgen has a client-side Swarm error exactly when docker/cli's
// own loader (plus deploy's image check) refuses the file. Seeded with the real-world corpus (when
// present beside the clone) and every rule fixture.
func FuzzDockerParity(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.yaml")
	corpus, _ := filepath.Glob(filepath.Join(corpusDir, "*.yml"))
	for _, file := range append(files, corpus...) {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	for _, yml := range parityCases {
		f.Add([]byte(yml))
	}
	dir, err := os.MkdirTemp("", "parity")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	env := map[string]string{}
	f.Fuzz(func(t *testing.T, data []byte) {
		derr := dockerVerdictInProcess(data, dir, env)
		rejects, why := stackgenRejects(data, dir, env)
		switch {
		case derr != nil && !rejects:
			t.Fatalf("docker/cli rejects, stackgen has no SW error:\ndocker: %v\nfile:\n%s", derr, data)
		case derr == nil && rejects:
			t.Fatalf("docker/cli accepts, stackgen rejects:\nstackgen: %s\nfile:\n%s", why, data)
		}
	})
}
