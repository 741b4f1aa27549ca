package lint

import (
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/webvig/stackgen/yamlnode"
)

func checkImageTag(p *Pass) {
	for _, s := range p.Doc.Services {
		k, img := yamlnode.Field(s.Node, "image")
		if k == nil {
			continue // SW111: docker stack deploy refuses a service without an image
		}
		name := p.Doc.Str(img)
		if name == "" {
			continue
		}
		if strings.Contains(name, "@") {
			continue // a digest pins it, whatever the tag says
		}
		_, tag := p.Doc.imageRepoTag(s)
		switch tag {
		case "":
			p.Reportf(img, s.Name, "service %q: image %q has no tag, so it means latest: pin a version", s.Name, name)
		case "latest":
			p.Reportf(img, s.Name, "service %q: image %q moves under you: pin a version", s.Name, name)
		}
	}
}

func checkHealthMissing(p *Pass) {
	for _, s := range p.Doc.Services {
		k, hc := yamlnode.Field(s.Node, "healthcheck")
		if k == nil {
			p.Reportf(s.Key, s.Name, "service %q has no healthcheck: Swarm cannot tell a stuck task from a healthy one", s.Name)
			continue
		}
		if _, dis := yamlnode.Field(hc, "disable"); dis != nil && isTrue(p.Doc, dis) {
			p.Reportf(dis, s.Name, "service %q disables its healthcheck", s.Name)
			continue
		}
		if _, test := yamlnode.Field(hc, "test"); test != nil {
			if toks := p.Doc.Strs(test); len(toks) > 0 && toks[0] == "NONE" {
				p.Reportf(test, s.Name, "service %q disables its healthcheck (NONE)", s.Name)
			}
		}
	}
}

func checkRestartPolicy(p *Pass) {
	for _, s := range p.Doc.Services {
		_, restart := yamlnode.Field(s.Node, "restart")
		if _, rp := yamlnode.Find(s.Node, "deploy", "restart_policy"); restart == nil || rp != nil {
			continue
		}
		want := map[string]string{"no": "none", "on-failure": "on-failure"}[strings.SplitN(p.Doc.Str(restart), ":", 2)[0]]
		if want == "" {
			continue // always, unless-stopped: Swarm's default does what they say
		}
		p.Reportf(restart, s.Name, "service %q says restart: %s, but stack deploy ignores it and Swarm restarts the task whenever it exits; set deploy.restart_policy.condition: %s", s.Name, p.Doc.Str(restart), want)
	}
}

func checkHostAccess(p *Pass) {
	for _, s := range p.Doc.Services {
		_, nets := yamlnode.Field(s.Node, "networks")
		if nets != nil {
			var refs []*yaml.Node
			if nets.Kind == yaml.SequenceNode {
				refs = nets.Content
			}
			for _, kv := range yamlnode.Pairs(nets) {
				refs = append(refs, kv[0])
			}
			for _, n := range refs {
				if p.Doc.Str(n) == "host" || n.Value == "host" {
					p.Reportf(n, s.Name, "service %q joins the host network", s.Name)
				}
			}
		}
		_, vols := yamlnode.Field(s.Node, "volumes")
		for _, v := range seqItems(vols) {
			if _, src, node := volumeSource(p.Doc, v); strings.HasSuffix(src, "docker.sock") {
				p.Reportf(node, s.Name, "service %q mounts the Docker socket %s: root on every node", s.Name, src)
			}
		}
	}
}
