package swarm

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/webvig/stackgen/generator"
)

// drift compares the live service with what the render of spec asks for: image, entrypoint,
// command, placement, restart and update policy, the password secret and the health check. A
// service changed by hand (docker service update) or deployed from another spec shows here.
func drift(svc *Service, spec *generator.Spec, sealed []byte) []Check {
	var c checks
	live := svc.Spec
	cs := live.TaskTemplate.ContainerSpec
	image, _, _ := strings.Cut(cs.Image, "@") // --resolve-image pins a digest after the tag
	c.add(image == spec.Image, "image is "+spec.Image, orErr(cs.Image, nil))
	c.add(slices.Equal(cs.Command, generator.Entrypoint()), "entrypoint is the render's password wrapper", same(cs.Command, generator.Entrypoint()))
	c.add(slices.Equal(cs.Args, spec.RedisArgs()), "command is the render's Redis arguments", orErr(strings.Join(cs.Args, " "), nil))

	var constraints []string
	if live.TaskTemplate.Placement != nil {
		constraints = live.TaskTemplate.Placement.Constraints
	}
	c.add(sameSet(constraints, spec.Placement.Constraints), "placement is "+orErr(strings.Join(spec.Placement.Constraints, " and "), nil), orErr(strings.Join(constraints, " and "), nil))

	want := restartText(spec.Restart.Condition, duration(spec.Restart.Delay), spec.Restart.MaxAttempts, duration(spec.Restart.Window))
	got := "none"
	if rp := live.TaskTemplate.RestartPolicy; rp != nil {
		got = restartText(rp.Condition, time.Duration(rp.Delay), intOrNil(int(rp.MaxAttempts)), time.Duration(rp.Window))
	}
	c.add(got == want, "restart policy is "+want, got)

	order := func(o *struct{ Order string }) string {
		if o == nil || o.Order == "" {
			return "stop-first" // swarmkit's default (api/defaults)
		}
		return o.Order
	}
	c.add(order(live.UpdateConfig) == "stop-first" && order(live.RollbackConfig) == "stop-first",
		"updates and rollbacks stop the old task first", "update "+order(live.UpdateConfig)+", rollback "+order(live.RollbackConfig))

	secret := spec.SecretName(sealed)
	var mounted []string
	ok := false
	for _, s := range cs.Secrets {
		mounted = append(mounted, fmt.Sprintf("%s at %s mode %04o", s.SecretName, s.File.Name, s.File.Mode))
		ok = ok || s.SecretName == secret && s.File.Name == generator.SecretFile && s.File.Mode == generator.SecretMode
	}
	c.add(ok && len(cs.Secrets) == 1, fmt.Sprintf("secret %s at %s, mode %04o", secret, generator.SecretFile, generator.SecretMode), orErr(strings.Join(mounted, ", "), nil))

	hc := cs.Healthcheck
	healthOK := hc != nil && slices.Equal(hc.Test, generator.HealthTest()) &&
		time.Duration(hc.Interval) == duration(spec.Health.Interval) && time.Duration(hc.Timeout) == duration(spec.Health.Timeout) &&
		hc.Retries == spec.Health.Retries && time.Duration(hc.StartPeriod) == duration(spec.Health.StartPeriod)
	observed := "none"
	if hc != nil {
		observed = fmt.Sprintf("%s, every %s, timeout %s, %d retries", same(hc.Test, generator.HealthTest()),
			time.Duration(hc.Interval), time.Duration(hc.Timeout), hc.Retries)
	}
	c.add(healthOK, "health check is the render's authenticated PING", observed)
	return c
}

// same says whether a list is the expected one, and shows its start when it is not.
func same(got, want []string) string {
	if slices.Equal(got, want) {
		return "as rendered"
	}
	s := strings.Join(got, " ")
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return "differs: " + orErr(s, nil)
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func duration(s string) time.Duration {
	d, _ := time.ParseDuration(s)
	return d
}

func intOrNil(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// restartText describes a restart policy the same way for the spec and the live service.
func restartText(condition string, delay time.Duration, maxAttempts *int, window time.Duration) string {
	s := fmt.Sprintf("condition %s, delay %s", condition, delay)
	if maxAttempts != nil && *maxAttempts > 0 {
		s += fmt.Sprintf(", at most %d attempts", *maxAttempts)
	} else {
		s += ", no attempt limit"
	}
	if window > 0 {
		s += fmt.Sprintf(" per %s", window)
	}
	return s
}
