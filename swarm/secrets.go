package swarm

import (
	"errors"
	"sort"
	"strings"

	"github.com/webvig/stackgen/generator"
)

// Labels on the secrets stackgen creates, so that old generations can be found and pruned.
const (
	labelStack = "com.stackgen.stack"
	labelSpec  = "com.stackgen.spec"
	labelKind  = "com.stackgen.kind"
)

// secretExists asks docker whether a secret of that name exists.
func secretExists(d *Docker, name string) (bool, error) {
	_, err := d.Run(nil, "secret", "inspect", "--format", "{{.ID}}", name)
	if err == nil {
		return true, nil
	}
	var ce *CommandError
	// The daemon says "secret NAME not found"; older ones said "no such secret".
	if errors.As(err, &ce) && (strings.Contains(strings.ToLower(ce.Stderr), "no such secret") || strings.Contains(ce.Stderr, "not found")) {
		return false, nil
	}
	return false, err
}

// SecretResult is what ApplySecrets did with one secret.
type SecretResult struct {
	Name    string
	Created bool // false: it existed and was left alone
}

// ApplySecrets creates the two secrets the rendered stack references, the password and the app's
// REDIS_URL, from a decrypted password. An existing secret is left alone (secrets are immutable and
// content-addressed by name). The values go to docker on stdin only.
func ApplySecrets(d *Docker, spec *generator.Spec, sealed, pw []byte) ([]SecretResult, error) {
	url := []byte(spec.RedisURL(pw))
	defer clear(url)
	wanted := []struct {
		name, kind string
		value      []byte
	}{
		{spec.SecretName(sealed), "password", pw},
		{spec.URLSecretName(sealed), "url", url},
	}
	var out []SecretResult
	for _, w := range wanted {
		exists, err := secretExists(d, w.name)
		if err != nil {
			return out, err
		}
		if exists {
			out = append(out, SecretResult{Name: w.name})
			continue
		}
		if _, err := d.Run(w.value, "secret", "create",
			"--label", labelStack+"="+spec.Stack,
			"--label", labelSpec+"="+spec.File,
			"--label", labelKind+"="+w.kind,
			w.name, "-"); err != nil {
			return out, err
		}
		out = append(out, SecretResult{Name: w.name, Created: true})
	}
	return out, nil
}

// PruneSecrets removes this stack's stackgen secrets that are neither in keep nor used by any
// service, and returns their names.
func PruneSecrets(d *Docker, stack string, keep []string) ([]string, error) {
	out, err := d.Run(nil, "secret", "ls", "--filter", "label="+labelStack+"="+stack, "--format", "{{.Name}}")
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, k := range keep {
		used[k] = true
	}
	services, err := d.Run(nil, "service", "ls", "--format", "{{.Name}}")
	if err != nil {
		return nil, err
	}
	if names := strings.Fields(services); len(names) > 0 {
		refs, err := d.Run(nil, append([]string{"service", "inspect", "--format",
			`{{range .Spec.TaskTemplate.ContainerSpec.Secrets}}{{.SecretName}} {{end}}`}, names...)...)
		if err != nil {
			return nil, err
		}
		for _, r := range strings.Fields(refs) {
			used[r] = true
		}
	}
	var stale []string
	for _, name := range strings.Fields(out) {
		if !used[name] {
			stale = append(stale, name)
		}
	}
	sort.Strings(stale)
	var removed []string
	for _, name := range stale {
		if _, err := d.Run(nil, "secret", "rm", name); err != nil {
			return removed, err
		}
		removed = append(removed, name)
	}
	return removed, nil
}
