package lint

import (
	"fmt"
	"regexp"
	"strings"
)

// Docker's stack loader substitutes variables with its own small template language
// (docker/cli cli/compose/template/template.go), not compose-go's: "$$" is a dollar; "$NAME" and
// "${NAME}" take a value; NAME may be followed by ":-" or "-" (a default when unset or empty, or
// only when unset) and ":?" or "?" (an error). The default runs to the first "}" and is not itself
// substituted, so "${A:-${B}}" is the text "${B" followed by "}". Even an unbraced $NAME takes such a
// modifier: "$A-b" is "b" when A is unset. Any other "$" is an error.
var dockerTemplate = regexp.MustCompile(`\$(?i:(\$)|([_a-z][_a-z0-9]*(?::?[-?][^}]*)?)|\{([_a-z][_a-z0-9]*(?::?[-?][^}]*)?)\}|())`)

// errInvalidTemplate is docker's InvalidTemplateError; SW109 reports it as Docker does.
type errInvalidTemplate struct{ template string }

func (e *errInvalidTemplate) Error() string { return fmt.Sprintf("invalid template: %q", e.template) }

// dockerSubstitute is docker/cli's template.Substitute. Like it, a later variable clears an error
// left by an earlier one in the same value (its callbacks share one error variable).
func dockerSubstitute(s string, lookup func(string) (string, bool)) (string, error) {
	var err error
	out := dockerTemplate.ReplaceAllStringFunc(s, func(m string) string {
		g := dockerTemplate.FindStringSubmatch(m)
		if g[1] != "" {
			return g[1]
		}
		sub := g[2]
		if sub == "" {
			sub = g[3]
		}
		if sub == "" {
			err = &errInvalidTemplate{s}
			return ""
		}
		for _, f := range []func(string) (string, bool, error){
			func(sub string) (string, bool, error) { return withDefault(sub, ":-", lookup, true) },
			func(sub string) (string, bool, error) { return withDefault(sub, "-", lookup, false) },
			func(sub string) (string, bool, error) { return withRequired(sub, ":?", lookup, true) },
			func(sub string) (string, bool, error) { return withRequired(sub, "?", lookup, false) },
		} {
			var v string
			var applied bool
			v, applied, err = f(sub)
			if err != nil {
				return ""
			}
			if applied {
				return v
			}
		}
		v, _ := lookup(sub)
		return v
	})
	return out, err
}

func withDefault(sub, sep string, lookup func(string) (string, bool), emptyToo bool) (string, bool, error) {
	name, def, ok := strings.Cut(sub, sep)
	if !ok {
		return "", false, nil
	}
	v, set := lookup(name)
	if !set || (emptyToo && v == "") {
		return def, true, nil
	}
	return v, true, nil
}

func withRequired(sub, sep string, lookup func(string) (string, bool), nonEmpty bool) (string, bool, error) {
	name, msg, ok := strings.Cut(sub, sep)
	if !ok {
		return "", false, nil
	}
	v, set := lookup(name)
	if !set || (nonEmpty && v == "") {
		return "", true, &errInvalidTemplate{fmt.Sprintf("required variable %s is missing a value: %s", name, msg)}
	}
	return v, true, nil
}
