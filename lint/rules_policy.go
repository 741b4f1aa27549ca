package lint

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/constraint"
	"github.com/webvig/stackgen/memsize"
	"github.com/webvig/stackgen/yamlnode"
)

func checkPorts(p *Pass) {
	for _, s := range p.Doc.Services {
		k, ports := yamlnode.Field(s.Node, "ports")
		if k == nil {
			continue
		}
		items := seqItems(ports)
		if len(items) == 0 && ports.Kind != yaml.SequenceNode {
			p.Reportf(k, s.Name, "service %q publishes ports", s.Name)
		}
		for _, port := range items {
			// A long-syntax port is reported at the start of its item and spans it, so that an
			// ignore above "- target:" or on any of its lines covers it.
			desc := p.Doc.Str(port)
			if port.Kind == yaml.MappingNode {
				_, pub := yamlnode.Field(port, "published")
				_, tgt := yamlnode.Field(port, "target")
				_, mode := yamlnode.Field(port, "mode")
				desc = p.Doc.Str(tgt)
				if pub != nil {
					desc = p.Doc.Str(pub) + ":" + desc
				}
				if p.Doc.Str(mode) == "host" {
					p.Reportf(port, s.Name, "service %q publishes port %s in host mode; keep it only with a stackgen:ignore and a reason", s.Name, desc)
					continue
				}
			}
			p.Reportf(port, s.Name, "service %q publishes port %s on every Swarm node (remove ports:; services on the overlay network reach it directly)", s.Name, desc)
		}
	}
}

func checkMemory(p *Pass, kind, policyValue, policyName string) {
	want, _ := memsize.Docker(policyValue)
	exact := p.Policy.Memory.Exact == nil || *p.Policy.Memory.Exact
	for _, s := range p.Doc.Services {
		res := yamlnode.Get(s.Node, "deploy", "resources", kind)
		_, mem := yamlnode.Field(res, "memory")
		if mem == nil {
			at := s.Key
			for _, path := range [][]string{{"deploy", "resources", kind}, {"deploy", "resources"}, {"deploy"}} {
				if _, k := yamlnode.Find(s.Node, path...); k != nil {
					at = k
					break
				}
			}
			msg := fmt.Sprintf("service %q has no deploy.resources.%s.memory", s.Name, kind)
			if policyValue != "" {
				msg += "; policy: " + policyValue
			}
			p.Reportf(at, s.Name, "%s", msg)
			continue
		}
		got, err := memsize.Docker(p.Doc.Str(mem))
		switch {
		case err != nil:
			p.Reportf(mem, s.Name, "service %q: %s memory %q is not a Docker size such as 512M", s.Name, policyName, p.Doc.Str(mem))
		case policyValue != "" && exact && got != want:
			p.Reportf(mem, s.Name, "service %q: %s memory %s, policy says %s", s.Name, policyName, p.Doc.Str(mem), policyValue)
		case policyValue != "" && !exact && got > want:
			p.Reportf(mem, s.Name, "service %q: %s memory %s is above the policy's %s", s.Name, policyName, p.Doc.Str(mem), policyValue)
		case kind == "reservations":
			_, lim := yamlnode.Field(yamlnode.Get(s.Node, "deploy", "resources", "limits"), "memory")
			if limit, err := memsize.Docker(p.Doc.Str(lim)); lim != nil && err == nil && got > limit {
				p.Reportf(mem, s.Name, "service %q reserves %s, more than its %s memory limit: the scheduler holds memory the task can never use", s.Name, p.Doc.Str(mem), p.Doc.Str(lim))
			}
		}
	}
}

func checkAttachable(p *Pass) {
	_, nets := yamlnode.Field(p.Doc.Root, "networks")
	for _, kv := range yamlnode.Pairs(nets) {
		name, n := kv[0].Value, yamlnode.Deref(kv[1])
		if _, external := p.Doc.external(n); external {
			continue
		}
		if _, att := yamlnode.Field(n, "attachable"); att != nil && isTrue(p.Doc, att) {
			p.Reportf(att, "", "network %q is attachable: any container on a node can join it and reach the services", name)
		}
	}
}

func checkImageAllowed(p *Pass) {
	if len(p.Policy.Images) == 0 {
		return
	}
	for _, s := range p.Doc.Services {
		k, img := yamlnode.Field(s.Node, "image")
		if k == nil {
			continue
		}
		if name := p.Doc.Str(img); !p.Policy.imageAllowed(name) {
			p.Reportf(img, s.Name, "service %q: image %q is not allowed by the policy (%s)", s.Name, name, strings.Join(p.Policy.Images, ", "))
		}
	}
}

func checkPlacement(p *Pass) {
	if len(p.Policy.Placement) == 0 {
		return
	}
	for _, s := range p.Doc.Services {
		have := map[string]bool{}
		_, cons := yamlnode.Field(yamlnode.Get(s.Node, "deploy", "placement"), "constraints")
		for _, c := range seqItems(cons) {
			have[normalizeConstraint(p.Doc.Str(c))] = true
		}
		for _, want := range p.Policy.Placement {
			if !have[normalizeConstraint(want)] {
				at := s.Key
				if _, k := yamlnode.Find(s.Node, "deploy", "placement", "constraints"); k != nil {
					at = k
				} else if _, k := yamlnode.Find(s.Node, "deploy"); k != nil {
					at = k
				}
				p.Reportf(at, s.Name, "service %q lacks the placement constraint %q the policy requires", s.Name, want)
			}
		}
	}
}

// normalizeConstraint is constraint.Normal, or the text as written for one that does not parse.
func normalizeConstraint(c string) string {
	parsed, err := constraint.Parse(c)
	if err != nil {
		return strings.TrimSpace(c)
	}
	return parsed.Normal()
}

func checkConstraints(p *Pass) {
	for _, s := range p.Doc.Services {
		_, cons := yamlnode.Field(yamlnode.Get(s.Node, "deploy", "placement"), "constraints")
		for _, c := range seqItems(cons) {
			text := p.Doc.Str(c)
			if strings.Contains(c.Value, "$") && text == c.Value {
				continue // unresolved ${VAR}: judged once it has a value
			}
			parsed, err := constraint.Parse(text)
			switch {
			case err != nil:
				p.Reportf(c, s.Name, "service %q: placement constraint %q is refused by Swarm at deploy: %v", s.Name, text, err)
			case !parsed.Known():
				p.Reportf(c, s.Name, "service %q: placement constraint %q names no node attribute Swarm knows, so no node ever matches it", s.Name, text)
			}
		}
	}
}
