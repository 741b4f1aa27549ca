package lint

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/memsize"
	"github.com/webvig/stackgen/yamlnode"
)

// What docker/cli's loader refuses after the schema has passed (cli/compose/loader/loader.go and
// volume.go): values it cannot convert into its types, and combinations it forbids. Each check only
// looks at values of the type the schema wants, so a value the schema already refuses is not
// reported twice.
func (c *shapeChecker) loaderChecks() {
	d := c.d
	// The whole file goes through encoding/json on its way to the schema validator, which refuses
	// NaN and infinities wherever they are, x- keys included.
	walkScalars(d.Root, func(n *yaml.Node) {
		if n.Tag == "!!float" && notFinite(n.Value) {
			c.report(n, false, "json: unsupported value: %s (docker's schema validator cannot take .nan or .inf)", n.Value)
		}
	})
	for _, s := range d.Services {
		if s.Node.Kind != yaml.MappingNode {
			continue
		}
		base := "services." + s.Name
		_, ports := yamlnode.Field(s.Node, "ports")
		for i, p := range seqItems(ports) {
			if p.Kind == yaml.ScalarNode && p.Tag == "!!float" {
				c.report(p, false, "%s.ports.%d: invalid type float64 for port %s: write it as an integer or a string", base, i, p.Value)
			}
		}
		// The schema allows a number, but the loader's ServiceConfig.ShmSize is a string and refuses one.
		if _, shm := yamlnode.Field(s.Node, "shm_size"); shm != nil && shm.Kind == yaml.ScalarNode && (shm.Tag == "!!int" || shm.Tag == "!!float") {
			c.report(shm, false, "%s.shm_size: expected type 'string', got unconvertible type: quote it (%q)", base, shm.Value)
		}
		_, ulimits := yamlnode.Field(s.Node, "ulimits")
		for _, kv := range yamlnode.Pairs(ulimits) {
			v := yamlnode.Deref(kv[1])
			// The schema checks only names of lowercase letters; the loader converts every entry.
			if !ulimitName.MatchString(kv[0].Value) {
				intShape := castTo(kInt)
				switch {
				case v.Kind == yaml.MappingNode:
					for _, key := range []string{"soft", "hard"} {
						if _, x := yamlnode.Field(v, key); x == nil || x.Tag == "!!float" || c.kindOf(yamlnode.Deref(x), intShape)&kInt == 0 {
							c.report(v, false, "%s.ulimits.%s: soft and hard must both be integers (docker's loader panics otherwise)", base, kv[0].Value)
							break
						}
					}
				case v.Tag == "!!float" || c.kindOf(v, intShape)&kInt == 0:
					c.report(v, false, "%s.ulimits.%s: invalid type for ulimits: an integer or {soft, hard}", base, kv[0].Value)
				}
				continue
			}
			if v.Kind == yaml.ScalarNode && v.Tag == "!!float" {
				c.report(v, false, "%s.ulimits.%s: invalid type float64 for ulimits", base, kv[0].Value)
			}
			for _, key := range []string{"soft", "hard"} {
				if _, x := yamlnode.Field(v, key); x != nil && x.Kind == yaml.ScalarNode && x.Tag == "!!float" {
					c.report(x, false, "%s.ulimits.%s.%s: a float here makes docker's loader panic (it wants an integer)", base, kv[0].Value, key)
				}
			}
		}
		for _, key := range []string{"command", "entrypoint"} {
			if _, cmd := yamlnode.Field(s.Node, key); cmd != nil && cmd.Kind == yaml.ScalarNode && cmd.Tag == "!!str" {
				if err := shlexCheck(d.Str(cmd)); err != nil {
					c.report(cmd, false, "%s.%s: %v (docker splits a string %s like a shell)", base, key, err, key)
				}
			}
		}
		_, vols := yamlnode.Field(s.Node, "volumes")
		for i, v := range seqItems(vols) {
			path := fmt.Sprintf("%s.volumes.%d", base, i)
			switch v.Kind {
			case yaml.ScalarNode:
				if v.Tag != "!!str" {
					continue
				}
				if err := parseVolumeSpec(d.Str(v)); err != nil {
					c.report(v, false, "%s: invalid spec: %s: %v", path, d.Str(v), err)
				}
			case yaml.MappingNode:
				_, t := yamlnode.Field(v, "type")
				_, src := yamlnode.Field(v, "source")
				if d.Str(t) == "bind" && d.Str(src) == "" {
					c.report(v, false, "%s: invalid mount config for type \"bind\": field Source must not be empty", path)
				}
			}
		}
		for _, kind := range []string{"limits", "reservations"} {
			_, mem := yamlnode.Field(yamlnode.Get(s.Node, "deploy", "resources", kind), "memory")
			if mem != nil && mem.Kind == yaml.ScalarNode && mem.Tag == "!!str" {
				if _, err := memsize.Docker(d.Str(mem)); err != nil {
					c.report(mem, false, "%s.deploy.resources.%s.memory: %v", base, kind, err)
				}
			}
		}
	}
	for _, kind := range []string{"networks", "volumes", "secrets", "configs"} {
		_, m := yamlnode.Field(d.Root, kind)
		for _, kv := range yamlnode.Pairs(m) {
			name, obj := kv[0].Value, yamlnode.Deref(kv[1])
			if obj.Kind != yaml.MappingNode {
				continue
			}
			single := strings.TrimSuffix(kind, "s")
			if ext, external := d.external(obj); external {
				_, extName := yamlnode.Field(ext, "name")
				if _, n := yamlnode.Field(obj, "name"); extName != nil && n != nil && d.Str(extName) != "" && d.Str(n) != "" {
					c.report(n, false, "%s %s: %s.external.name and %s.name conflict; only use %s.name", single, name, single, single, single)
				}
				if kind == "volumes" {
					for _, key := range []string{"driver", "driver_opts", "labels"} {
						if k, v := yamlnode.Field(obj, key); k != nil && nonEmpty(d, v) {
							c.report(k, false, "conflicting parameters \"external\" and %q specified for volume %q", key, name)
						}
					}
				}
				continue
			}
			if kind == "secrets" || kind == "configs" {
				_, drv := yamlnode.Field(obj, "driver")
				if f, file := yamlnode.Field(obj, "file"); f != nil && d.Str(drv) != "" && d.Str(file) != "" {
					c.report(f, false, "%s %s: %s.driver and %s.file conflict; only use %s.driver", single, name, single, single, single)
				}
			}
		}
	}
}

var ulimitName = regexp.MustCompile(ulimitNames)

// external reports whether a top-level network, volume, secret or config is external (true, also
// after interpolation, or the external: {name: ...} form), with its external node.
func (d *Document) external(obj *yaml.Node) (*yaml.Node, bool) {
	_, ext := yamlnode.Field(obj, "external")
	if ext == nil {
		return nil, false
	}
	if yamlnode.Deref(ext).Kind == yaml.MappingNode {
		return ext, true
	}
	b, _ := d.boolOf(ext)
	return ext, b
}

// boolOf is a boolean as docker/cli's loader reads it: a YAML boolean (true, True, TRUE), or a
// string holding a ${VAR} whose value docker casts at one of the paths of
// cli/compose/loader/interpolate.go (interpolateTypeCastMapping, toBoolean: y, yes, true, on, n,
// no, false, off in any case). ok is false for anything else, which the schema refuses (SW105).
func (d *Document) boolOf(n *yaml.Node) (value, ok bool) {
	n = yamlnode.Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return false, false
	}
	switch {
	case n.Tag == "!!bool":
		return strings.EqualFold(n.Value, "true"), true
	case n.Tag == "!!str" && strings.Contains(n.Value, "$") && d.Str(n) != n.Value:
		switch strings.ToLower(d.Str(n)) {
		case "y", "yes", "true", "on":
			return true, true
		case "n", "no", "false", "off":
			return false, true
		}
	}
	return false, false
}

func isTrue(d *Document, n *yaml.Node) bool {
	b, ok := d.boolOf(n)
	return ok && b
}

func nonEmpty(d *Document, v *yaml.Node) bool {
	v = yamlnode.Deref(v)
	switch v.Kind {
	case yaml.ScalarNode:
		return v.Tag != "!!null" && d.Str(v) != ""
	default:
		return len(v.Content) > 0
	}
}

// parseVolumeSpec follows docker/cli's ParseVolume (cli/compose/loader/volume.go): SOURCE:TARGET[:MODE],
// where a single letter followed by ':' is a Windows drive, not a separator.
func parseVolumeSpec(spec string) error {
	_, _, err := splitVolumeSpec(spec)
	return err
}

// splitVolumeSpec is ParseVolume's reading of a short volume: one field is the target of an anonymous
// volume, two or three are source, target and mode. A letter followed by ':' at the start of a field
// stays in it (a Windows drive), so "v:/data" is one field: an anonymous volume at "v:/data".
func splitVolumeSpec(spec string) (source, target string, err error) {
	switch len(spec) {
	case 0:
		return "", "", fmt.Errorf("invalid empty volume spec")
	case 1, 2:
		return "", spec, nil
	}
	var buf []rune
	var fields []string
	runes := append([]rune(spec), 0)
	for _, r := range runes {
		switch {
		case r == ':' && len(buf) == 1 && unicode.IsLetter(buf[0]):
			buf = append(buf, r)
		case r == ':' || r == 0:
			if len(buf) == 0 {
				return "", "", fmt.Errorf("empty section between colons")
			}
			if len(fields) == 2 && r == ':' {
				return "", "", fmt.Errorf("too many colons")
			}
			fields = append(fields, string(buf))
			buf = nil
		default:
			buf = append(buf, r)
		}
	}
	if len(fields) == 1 {
		return "", fields[0], nil
	}
	return fields[0], fields[1], nil
}

// windowsDrive reports whether a path starts with a letter and ':', which ParseVolume keeps together.
func windowsDrive(path string) bool {
	r := []rune(path)
	return len(r) >= 2 && unicode.IsLetter(r[0]) && r[1] == ':'
}

// volumeIsFilePath is docker/cli's isFilePath (cli/compose/loader/volume.go): a source that makes the
// short syntax a bind mount.
func volumeIsFilePath(source string) bool {
	switch {
	case source == "":
		return false
	case strings.ContainsRune("./~", rune(source[0])):
		return true
	case len([]rune(source)) == 1:
		return false
	case strings.HasPrefix(source, `\\`):
		return true
	}
	return windowsDrive(source)
}

func notFinite(v string) bool {
	switch strings.ToLower(strings.TrimLeft(v, "+-")) {
	case ".nan", ".inf":
		return true
	}
	return false
}

// shlexCheck finds what makes github.com/google/shlex, which docker/cli uses to split a string
// command (cli/compose/loader/loader.go transformShellCommand), fail: an unclosed quote, or a
// backslash at the very end outside single quotes.
func shlexCheck(s string) error {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote == '\'':
			if ch == '\'' {
				quote = 0
			}
		case ch == '\\':
			if i+1 >= len(s) {
				return fmt.Errorf("EOF found after escape character")
			}
			i++
		case quote == '"':
			if ch == '"' {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '#' && (i == 0 || strings.IndexByte(" \t\r\n", s[i-1]) >= 0):
			// a comment runs to the end of the line
			for i < len(s) && s[i] != '\n' {
				i++
			}
		}
	}
	if quote != 0 {
		return fmt.Errorf("EOF found when expecting closing quote")
	}
	return nil
}
