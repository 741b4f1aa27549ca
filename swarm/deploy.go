package swarm

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/webvig/stackgen/failure"
)

// Deploy runs `docker stack deploy -c - --prune` with the rendered stack on stdin. warnings are the
// lines docker printed on stderr (an image no registry could resolve, options it ignored), which the
// user must see even when the deploy succeeds.
func Deploy(d *Docker, stack string, rendered []byte, resolveImage string) (warnings []string, err error) {
	_, stderr, err := d.Output(rendered, "stack", "deploy", "-c", "-", "--prune", "--resolve-image", resolveImage, "--detach=true", stack)
	for _, line := range strings.Split(stderr, "\n") {
		if line = strings.TrimSpace(line); line != "" && err == nil {
			warnings = append(warnings, line)
		}
	}
	return warnings, err
}

// Wait polls until the service has a running (hence healthy: Swarm keeps a task with a healthcheck in
// "starting" until it passes) task of the current spec. before is the service as it was before the
// change (nil if it did not exist). progress gets each change of state. An error wraps
// a failure of status 1 and carries the task's last error and the service's last log lines as hints.
func Wait(d *Docker, service string, before *Service, timeout time.Duration, progress func(string)) error {
	deadline := time.Now().Add(timeout)
	last := ""
	var lastErr string
	for {
		svc, err := InspectService(d, service)
		if err != nil {
			return err
		}
		tasks, _ := serviceTasks(d, service)
		running := false
		state := "waiting for the service"
		pollErr := ""
		for _, t := range tasks { // newest first
			if t.Desired == "Running" || t.Desired == "Ready" {
				state = "task " + strings.ToLower(firstWord(t.Current))
				running = running || strings.HasPrefix(t.Current, "Running")
				if h := taskHealth(d, t.ID); h != "" {
					state += ", health " + h
				}
			}
			if t.Err != "" && pollErr == "" {
				pollErr = t.Err
			}
		}
		if pollErr != "" {
			lastErr = pollErr
		}
		// A redeploy of an unchanged spec bumps the version but rolls nothing: only a changed spec
		// must see its update complete.
		updated := true
		if svc != nil && before != nil && !bytes.Equal(svc.Spec.Raw, before.Spec.Raw) {
			updated = svc.UpdateStatus != nil && svc.UpdateStatus.State == "completed" &&
				(before.UpdateStatus == nil || svc.UpdateStatus.StartedAt != before.UpdateStatus.StartedAt)
			if svc.UpdateStatus != nil {
				state += ", update " + svc.UpdateStatus.State
				if strings.HasPrefix(svc.UpdateStatus.State, "rollback") || svc.UpdateStatus.State == "paused" {
					return notConverged(d, service, lastErr, fmt.Errorf("%s: update %s: %s", service, svc.UpdateStatus.State, svc.UpdateStatus.Message))
				}
			}
		}
		if line := service + ": " + state; line != last {
			progress(line)
			last = line
		}
		if svc != nil && running && updated {
			return nil
		}
		if time.Now().After(deadline) {
			return notConverged(d, service, lastErr, fmt.Errorf("%s did not become healthy within %s (%s)", service, timeout, state))
		}
		time.Sleep(time.Second)
	}
}

// notConverged is a failure of status 1 (the Swarm changed but did not end healthy) whose hints are
// diagnose's: the cause in one line, then the logs grouped by task. lastErr is the last task error
// the wait saw, for when the task list no longer shows one.
func notConverged(d *Docker, service, lastErr string, err error) error {
	xe := failure.Wrap(err).WithStatus(1)
	tasks, _ := serviceTasks(d, service)
	seen := false
	for _, t := range tasks {
		seen = seen || t.Err != ""
	}
	if !seen && lastErr != "" {
		tasks = append(tasks, Task{ID: "earlier", Err: lastErr})
	}
	for _, h := range diagnose(d, service, tasks) {
		xe.Hint("%s", h)
	}
	return xe
}

// taskHealth is the health status of a task's container when it runs on this node, else "".
func taskHealth(d *Docker, task string) string {
	cid, err := d.Run(nil, "inspect", "--format", "{{.Status.ContainerStatus.ContainerID}}", task)
	if cid = strings.TrimSpace(cid); err != nil || cid == "" {
		return ""
	}
	h, err := d.Run(nil, "container", "inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", cid)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(h)
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

// RunningContainer finds the container of the service's running task on this node.
func RunningContainer(d *Docker, service string) (string, error) {
	_, cid, err := runningTask(d, service)
	return cid, err
}

// runningTask finds the service's running task and its container; an error wrapping
// errNotOnThisNode means another node runs it.
func runningTask(d *Docker, service string) (Task, string, error) {
	out, err := d.Run(nil, "service", "ps", "--no-trunc", "--filter", "desired-state=running", "--format", "{{.ID}} {{.CurrentState}}", service)
	if err != nil {
		return Task{}, "", err
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[1] != "Running" {
			continue
		}
		task := Task{ID: f[0], Desired: "Running", Current: strings.Join(f[1:], " ")}
		cid, err := d.Run(nil, "inspect", "--format", "{{.Status.ContainerStatus.ContainerID}}", f[0])
		if err != nil {
			return task, "", err
		}
		if cid = strings.TrimSpace(cid); cid != "" {
			if _, err := d.Run(nil, "container", "inspect", "--format", "{{.ID}}", cid); err != nil {
				return task, "", fmt.Errorf("the running task's container %.12s is %w", cid, errNotOnThisNode)
			}
			return task, cid, nil
		}
	}
	return Task{}, "", fmt.Errorf("%s has no running task", service)
}
