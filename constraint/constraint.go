// Package constraint reads and evaluates Swarm placement constraints with the grammar and matching
// rules of swarmkit's manager/constraint/constraint.go, which the daemon applies to every service:
// render, lint and the deploy preflight all use this one parser, so they accept exactly what
// `docker service create --constraint` and `docker stack deploy` accept.
package constraint

import (
	"fmt"
	"net"
	"regexp"
	"strings"
)

// The grammar (swarmkit constraint.Parse): KEY OP VALUE, OP is "==" (looked for first) or "!=",
// KEY starts with a letter or underscore and has at least two characters, VALUE is letters, digits,
// whitespace and : - _ . * ( ) ? + [ ] \ ^ $ | / only; both are trimmed of spaces.
var (
	keyRe   = regexp.MustCompile(`^(?i)[a-z_][a-z0-9\-_.]+$`)
	valueRe = regexp.MustCompile(`^(?i)[a-z0-9:\-_\s\.\*\(\)\?\+\[\]\\\^\$\|\/]+$`)
)

// Constraint is one parsed expression.
type Constraint struct {
	Key   string
	Equal bool // "==" (true) or "!=" (false)
	Value string
}

func (c Constraint) String() string {
	op := "!="
	if c.Equal {
		op = "=="
	}
	return c.Key + " " + op + " " + c.Value
}

// Parse reads one constraint; its errors are swarmkit's.
func Parse(s string) (Constraint, error) {
	for _, op := range []string{"==", "!="} {
		key, value, ok := strings.Cut(s, op)
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !keyRe.MatchString(key) {
			return Constraint{}, fmt.Errorf("key '%s' is invalid", key)
		}
		if !valueRe.MatchString(value) {
			return Constraint{}, fmt.Errorf("value '%s' is invalid", value)
		}
		return Constraint{Key: key, Equal: op == "==", Value: value}, nil
	}
	return Constraint{}, fmt.Errorf("constraint expected one operator from ==, !=")
}

// Normal is the constraint written the one way Swarm reads it, so that two constraints select the
// same nodes exactly when their Normal forms are equal: swarmkit compares the key's attribute part
// ("node.role", the "node.labels." prefix) and the value case-insensitively, but a label's name as
// written (manager/constraint/constraint.go NodeMatches: "label itself is case sensitive"). The
// value's grammar is ASCII, so lower case is case folding. A key Swarm does not know stays as
// written.
func (c Constraint) Normal() string {
	key := c.Key
	switch {
	case hasPrefixFold(key, "node.labels."):
		key = "node.labels." + key[len("node.labels."):]
	case hasPrefixFold(key, "engine.labels."):
		key = "engine.labels." + key[len("engine.labels."):]
	case c.Known():
		key = strings.ToLower(key)
	}
	return Constraint{Key: key, Equal: c.Equal, Value: strings.ToLower(c.Value)}.String()
}

// NodeLabel is the name of the node label the constraint reads (node.labels.NAME), if it reads one.
func (c Constraint) NodeLabel() (string, bool) {
	if hasPrefixFold(c.Key, "node.labels.") {
		return c.Key[len("node.labels."):], true
	}
	return "", false
}

// Node is what constraints are evaluated against.
type Node struct {
	ID, Hostname, Addr, Role, OS, Arch string
	Labels, EngineLabels               map[string]string
}

// Known reports whether the key is one swarmkit evaluates; any other key matches no node, with
// either operator.
func (c Constraint) Known() bool {
	k := strings.ToLower(c.Key)
	switch k {
	case "node.id", "node.hostname", "node.ip", "node.role", "node.platform.os", "node.platform.arch":
		return true
	}
	return hasPrefixFold(c.Key, "node.labels.") || hasPrefixFold(c.Key, "engine.labels.")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) > len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// match compares the value case-insensitively, as swarmkit does, and applies the operator.
func (c Constraint) match(got string) bool {
	return strings.EqualFold(c.Value, got) == c.Equal
}

// Matches reports whether node n satisfies c. Key names are case-insensitive, label names are not;
// a missing label reads as ""; node.ip takes an address or a CIDR network.
func (c Constraint) Matches(n Node) bool {
	switch strings.ToLower(c.Key) {
	case "node.id":
		return c.match(n.ID)
	case "node.hostname":
		return c.match(n.Hostname)
	case "node.role":
		return c.match(n.Role)
	case "node.platform.os":
		return c.match(n.OS)
	case "node.platform.arch":
		return c.match(n.Arch)
	case "node.ip":
		ip := net.ParseIP(n.Addr)
		if want := net.ParseIP(c.Value); want != nil {
			return want.Equal(ip) == c.Equal
		}
		if _, subnet, err := net.ParseCIDR(c.Value); err == nil {
			return subnet.Contains(ip) == c.Equal
		}
		return false // a malformed address matches no node
	}
	switch {
	case hasPrefixFold(c.Key, "node.labels."):
		return c.match(n.Labels[c.Key[len("node.labels."):]])
	case hasPrefixFold(c.Key, "engine.labels."):
		return c.match(n.EngineLabels[c.Key[len("engine.labels."):]])
	}
	return false
}
