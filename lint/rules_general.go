package lint

import (
	"fmt"
	"strconv"
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
			p.Reportf(img, s.Name, "service %q: image %q has no tag, so it means latest: docker stack deploy pins the digest latest names at each deploy, so any redeploy can silently move to a new build; pin a version", s.Name, name)
		case "latest":
			p.Reportf(img, s.Name, "service %q: image %q moves under you: docker stack deploy pins the digest latest names at each deploy, so any redeploy can silently move to a new build; pin a version", s.Name, name)
		}
	}
}

func checkHealthMissing(p *Pass) {
	for _, s := range p.Doc.Services {
		k, hc := yamlnode.Field(s.Node, "healthcheck")
		if k == nil {
			p.Reportf(s.Key, s.Name, "service %q has no healthcheck in the file: unless its image declares one, which lint cannot see, Swarm cannot tell a stuck task from a healthy one", s.Name)
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

// checkRestartPolicy: of the restart: values docker stack deploy converts, only "no" ends up
// contradicting the file (always, unless-stopped and on-failure[:N] become the policy they name).
func checkRestartPolicy(p *Pass) {
	for _, s := range p.Doc.Services {
		restart, ok := restartWithoutPolicy(p.Doc, s)
		if !ok {
			continue
		}
		if name, _, _ := strings.Cut(p.Doc.Str(restart), ":"); name == "no" {
			p.Reportf(restart, s.Name, "service %q says restart: no, but docker stack deploy reads that as no restart policy, and Swarm's default restarts the task whenever it exits; set deploy.restart_policy.condition: none", s.Name)
		}
	}
}

// restartWithoutPolicy is a service's restart: when docker stack deploy converts it, that is when
// the service has no deploy.restart_policy (cli/compose/convert/service.go convertRestartPolicy).
func restartWithoutPolicy(d *Document, s *Service) (*yaml.Node, bool) {
	_, restart := yamlnode.Field(s.Node, "restart")
	if _, rp := yamlnode.Find(s.Node, "deploy", "restart_policy"); restart == nil || rp != nil || restart.Kind != yaml.ScalarNode {
		return nil, false
	}
	return restart, true
}

// swarmRestart is what docker stack deploy makes of restart: v without a deploy.restart_policy
// (cli/compose/convert/service.go convertRestartPolicy, opts/parse.go ParseRestartPolicy, the Is*
// methods of docker/docker api/types/container/hostconfig.go): "" and "no" give no policy (Swarm's
// default, condition any); always and unless-stopped condition any (a count is dropped);
// on-failure[:N] condition on-failure with max_attempts N (0, or none: no limit). err is convert's
// error, which fails the deploy as "service NAME: ...".
func swarmRestart(v string) (condition string, maxAttempts int, err error) {
	if v == "" {
		return "", 0, nil
	}
	name, count, found := strings.Cut(v, ":")
	if found && name == "" {
		return "", 0, fmt.Errorf("invalid restart policy format: no policy provided before colon")
	}
	if count != "" {
		if maxAttempts, err = strconv.Atoi(count); err != nil {
			return "", 0, fmt.Errorf("invalid restart policy format: maximum retry count must be an integer")
		}
	}
	switch name {
	case "no":
		return "", 0, nil
	case "always", "unless-stopped":
		return "any", 0, nil
	case "on-failure":
		return "on-failure", maxAttempts, nil
	}
	return "", 0, fmt.Errorf("unknown restart policy: %s", v)
}

func checkHostAccess(p *Pass) {
	for _, s := range p.Doc.Services {
		// Only a network declared external whose name is host joins the node's network; an
		// undeclared networks: [host] makes an overlay and fails the deploy (SW107).
		for _, ref := range networkRefs(p.Doc, s) {
			if name, external := p.Doc.externalName("networks", ref.name); external && name == "host" {
				p.Reportf(ref.node, s.Name, "service %q joins the host network (external network %q): it shares the node's network stack", s.Name, ref.name)
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
