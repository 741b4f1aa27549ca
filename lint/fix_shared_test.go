package lint

// Shared by TestFixCorpus (fix_corpus_test.go, left out of mutation runs), TestFixGolden and FuzzFix.

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

// meaningOfFixes rewrites docker's reading of the original file the way the fixes claim to keep
// its meaning: restart: becomes the restart_policy convertRestartPolicy makes of it (cli/compose/
// convert/service.go; "no" as condition none, which is what the author meant), a bridge network
// that is now overlay is overlay, a link removed is its alias on a network the two services
// share (linksAsAliases), and the version is the fixed file's. What is left must equal
// docker's reading of the fixed file, key by key. It returns how many keys it rewrote.
func meaningOfFixes(before, after map[string]any) int {
	n := 0
	if v, ok := after["version"]; ok && before["version"] != v {
		before["version"] = v
		n++
	}
	bs, _ := before["services"].(map[string]any)
	as, _ := after["services"].(map[string]any)
	for name, b := range bs {
		bsvc, _ := b.(map[string]any)
		asvc, _ := as[name].(map[string]any)
		r, had := bsvc["restart"].(string)
		if _, still := asvc["restart"]; !had || still {
			continue
		}
		delete(bsvc, "restart")
		cond, attempts, err := swarmRestart(r)
		if err != nil {
			continue
		}
		if cond == "" {
			cond = "none"
		}
		deploy, _ := bsvc["deploy"].(map[string]any)
		if deploy == nil {
			deploy = map[string]any{}
			bsvc["deploy"] = deploy
		}
		policy := map[string]any{"condition": cond}
		if attempts > 0 {
			policy["max_attempts"] = attempts
		}
		deploy["restart_policy"] = policy
		n++
	}
	n += linksAsAliases(bs, as)
	bn, _ := before["networks"].(map[string]any)
	an, _ := after["networks"].(map[string]any)
	for name, b := range bn {
		bnet, _ := b.(map[string]any)
		anet, _ := an[name].(map[string]any)
		if bnet != nil && anet != nil && bnet["driver"] == "bridge" && anet["driver"] == "overlay" {
			bnet["driver"] = "overlay"
			n++
		}
	}
	return n
}

// diffKeys lists the dotted paths where a and b differ.
func diffKeys(prefix string, a, b any) []string {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if !aok || !bok {
		if reflect.DeepEqual(a, b) {
			return nil
		}
		return []string{prefix}
	}
	keys := map[string]bool{}
	for k := range am {
		keys[k] = true
	}
	for k := range bm {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		out = append(out, diffKeys(strings.TrimPrefix(prefix+"."+k, "."), am[k], bm[k])...)
	}
	sort.Strings(out)
	return out
}

// changedLines checks that every line the fix removed or wrote is one of the edits its changes
// report, and returns how many lines were removed and added. The diff is computed here, not taken
// from the fixer.
func changedLines(old, new []byte, changes []Change) (removed, added int, problems []string) {
	// A file without a final line ending keeps none: the line before a splice at the end gains it.
	lines := func(s string) []string {
		if !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		l := strings.SplitAfter(s, "\n")
		return l[:len(l)-1]
	}
	a, b := lines(string(old)), lines(string(new))
	inEdit := map[int]bool{}
	wantAdded := 0
	for _, c := range changes {
		for _, e := range c.Edits {
			for l := e.From; l <= e.To; l++ {
				inEdit[l] = true
			}
			wantAdded += e.Added
		}
	}
	// A longest common subsequence of the lines: what it leaves out of a was removed, of b added.
	n, m := len(a), len(b)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			added++
			j++
		default:
			removed++
			if !inEdit[i+1] {
				problems = append(problems, fmt.Sprintf("line %d %q changed, but no fix says it edits it", i+1, strings.TrimSpace(a[i])))
			}
			i++
		}
	}
	if added > wantAdded {
		problems = append(problems, fmt.Sprintf("%d lines added, the fixes say %d", added, wantAdded))
	}
	return removed, added, problems
}

func countLeaves(v any) int {
	m, ok := v.(map[string]any)
	if !ok {
		return 1
	}
	n := 0
	for _, c := range m {
		n += countLeaves(c)
	}
	return n
}

// yamlnodePairs lists the pairs of a top-level mapping key.
func yamlnodePairs(root *yaml.Node, key string) [][2]*yaml.Node {
	_, m := yamlnode.Field(root, key)
	return yamlnode.Pairs(m)
}

// buildContext is a service's build context as written ("" without one).
func buildContext(kv [2]*yaml.Node) string {
	b := yamlnode.Get(kv[1], "build")
	if b == nil {
		return ""
	}
	if b.Kind == yaml.ScalarNode {
		return b.Value
	}
	if c := yamlnode.Get(b, "context"); c != nil {
		return c.Value
	}
	return "."
}

// linksAsAliases rewrites before's services as the links fix claims to keep their meaning: each
// link the fixed file no longer has is gone, and one with an alias (db:database) is that alias
// among the linked service's aliases on a network both services were on, which must be the
// network after has it on. A removed link it cannot explain so is left, for the diff to show.
// It returns how many links it rewrote.
func linksAsAliases(bs, as map[string]any) int {
	n := 0
	networksOf := func(svc map[string]any) map[string]any {
		nets, _ := svc["networks"].(map[string]any)
		if len(nets) == 0 {
			return map[string]any{"default": nil}
		}
		return nets
	}
	aliasesOn := func(svc map[string]any, network string) []any {
		nets, _ := svc["networks"].(map[string]any)
		nw, _ := nets[network].(map[string]any)
		a, _ := nw["aliases"].([]any)
		return a
	}
	names := make([]string, 0, len(bs))
	for name := range bs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		bsvc, _ := bs[name].(map[string]any)
		asvc, _ := as[name].(map[string]any)
		bl, _ := bsvc["links"].([]any)
		al, _ := asvc["links"].([]any)
		if len(bl) == 0 || len(al) >= len(bl) {
			continue
		}
		left := append([]any(nil), al...)
		explained := true
		var edits []func()
		for _, l := range bl {
			if i := slices.IndexFunc(left, func(x any) bool { return x == l }); i >= 0 {
				left = slices.Delete(left, i, i+1)
				continue
			}
			target, alias, _ := strings.Cut(fmt.Sprint(l), ":")
			btarget, _ := bs[target].(map[string]any)
			atarget, _ := as[target].(map[string]any)
			if btarget == nil {
				explained = false
				break
			}
			if alias == "" || alias == target {
				continue
			}
			network := ""
			for nw := range networksOf(btarget) {
				if _, shared := networksOf(bsvc)[nw]; shared && slices.Contains(aliasesOn(atarget, nw), any(alias)) {
					network = nw
				}
			}
			if network == "" {
				explained = false
				break
			}
			edits = append(edits, func() {
				if slices.Contains(aliasesOn(btarget, network), any(alias)) {
					return
				}
				nets, _ := btarget["networks"].(map[string]any)
				if nets == nil {
					nets = map[string]any{}
					btarget["networks"] = nets
				}
				nw, _ := nets[network].(map[string]any)
				if nw == nil {
					nw = map[string]any{}
					nets[network] = nw
				}
				a, _ := nw["aliases"].([]any)
				nw["aliases"] = append(a, alias)
			})
		}
		if !explained || len(left) > 0 {
			continue
		}
		for _, e := range edits {
			e()
		}
		if len(al) == 0 {
			delete(bsvc, "links")
		} else {
			bsvc["links"] = al
		}
		n += len(bl) - len(al)
	}
	return n
}
