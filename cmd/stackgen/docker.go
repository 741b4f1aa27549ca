package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// docker runs the docker CLI, so that contexts, DOCKER_HOST=ssh://... and the user's config all work.
// Secrets go to it on stdin only.
type docker struct {
	path    string
	timeout time.Duration
}

func findDocker() (*docker, error) {
	p, err := exec.LookPath("docker")
	if err != nil {
		return nil, failf("docker is not on PATH").hint("install the Docker CLI (apt-get install -y docker.io) or add it to PATH")
	}
	return &docker{path: p, timeout: 2 * time.Minute}, nil
}

// dockerError is a failed docker command with its stderr, which is passed through to the user.
type dockerError struct {
	args   []string
	stderr string
	err    error
}

func (e *dockerError) Error() string {
	msg := strings.TrimSpace(e.stderr)
	if msg == "" {
		msg = e.err.Error()
	}
	msg = strings.ReplaceAll(msg, "\n", " / ")
	return fmt.Sprintf("docker %s: %s", strings.Join(e.args[:min(2, len(e.args))], " "), msg)
}

// run runs docker with args and optional stdin; it returns stdout.
func (d *docker) run(stdin []byte, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, d.path, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("timed out after %s", d.timeout)
		}
		return stdout.String(), &dockerError{args: args, stderr: stderr.String(), err: err}
	}
	return stdout.String(), nil
}

// requireManager fails unless the daemon is an active Swarm manager.
func (d *docker) requireManager() error {
	out, err := d.run(nil, "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}")
	if err != nil {
		return failf("%v", err).hint("is the Docker daemon running and reachable (docker info)?")
	}
	switch strings.TrimSpace(out) {
	case "active true":
		return nil
	case "active false":
		return failf("this Docker daemon is a Swarm worker, not a manager").hint("run stackgen against a manager: docker context use MANAGER, or DOCKER_HOST=ssh://MANAGER")
	}
	return failf("this Docker daemon is not part of a Swarm (state %q)", strings.TrimSpace(out)).hint("docker swarm init, or point DOCKER_HOST at a manager")
}

// secretExists asks docker whether a secret of that name exists.
func (d *docker) secretExists(name string) (bool, error) {
	_, err := d.run(nil, "secret", "inspect", "--format", "{{.ID}}", name)
	if err == nil {
		return true, nil
	}
	var de *dockerError
	// The daemon says "secret NAME not found"; older ones said "no such secret".
	if errors.As(err, &de) && (strings.Contains(strings.ToLower(de.stderr), "no such secret") || strings.Contains(de.stderr, "not found")) {
		return false, nil
	}
	return false, err
}
