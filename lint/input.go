package lint

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
)

// composeName reports whether a file name looks like a Compose or stack file: *compose*.y*ml,
// *stack*.y*ml or docker-*.y*ml.
func composeName(name string) bool {
	lower := strings.ToLower(name)
	if !strings.HasSuffix(lower, ".yml") && !strings.HasSuffix(lower, ".yaml") {
		return false
	}
	return strings.Contains(lower, "compose") || strings.Contains(lower, "stack") || strings.HasPrefix(lower, "docker-")
}

// Discover lists the regular files under dir in fsys whose names composeName accepts, in lexical
// order, skipping dot-files (.stackgen.yaml), dot-directories, node_modules and vendor. It never
// follows a symbolic link (to a file or a directory) and lists no FIFO, socket or device. What the
// names promise, IsCompose checks on the bytes.
func Discover(fsys fs.FS, dir string) ([]string, error) {
	var out []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "vendor") {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && composeName(d.Name()) && !strings.HasPrefix(d.Name(), ".") {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// composeKey finds a top-level services: key, which every Compose and stack file has and nothing
// else named like one (a stackgen spec, a policy, a CI file) does.
var composeKey = regexp.MustCompile(`(?m)^(services|"services"|'services')[ \t]*:`)

// IsCompose reports whether a discovered file is a Compose file: a top-level services: key, or a
// flow-style document (which the linter then judges in full).
func IsCompose(data []byte) bool {
	return composeKey.Match(data) || bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
}

// ParseEnvFile reads an --env-file: KEY=VALUE lines, blank lines and # comments skipped, one level of
// quotes around a value removed. Errors name the file and line.
func ParseEnvFile(name string, data []byte) (map[string]string, error) {
	vals := map[string]string{}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, &InputError{File: name, Line: n + 1, Column: 1, Msg: "want KEY=VALUE"}
		}
		vals[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return vals, nil
}
