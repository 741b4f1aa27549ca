// Package swarm drives a Docker Swarm for stackgen: a small driver over the docker CLI (so docker
// contexts, DOCKER_HOST=ssh://... and the user's config keep working), and on top of it the deploy
// preflight, the Swarm secrets, deploy-and-wait, verify's checks and the restart test. Each takes the
// driver and returns results or errors; none prints. Passwords reach docker on stdin only.
package swarm

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/webvig/stackgen/failure"
)

// Docker runs the docker CLI.
type Docker struct {
	Path    string        // the docker binary
	Env     []string      // its environment (DOCKER_HOST, DOCKER_CONTEXT, ...); nil: this process's
	Timeout time.Duration // per command
}

// Find locates the docker CLI on the PATH of environ (KEY=VALUE), which the CLI then runs with.
func Find(environ []string) (*Docker, error) {
	path := ""
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, "docker")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return &Docker{Path: p, Env: environ, Timeout: 2 * time.Minute}, nil
		}
	}
	return nil, failure.Errorf("docker is not on PATH").Hint("install the Docker CLI (apt-get install -y docker.io) or add it to PATH")
}

// CommandError is a failed docker command with its stderr, which is passed through to the user.
type CommandError struct {
	Args   []string
	Stderr string
	Err    error
}

func (e *CommandError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = e.Err.Error()
	}
	msg = strings.ReplaceAll(msg, "\n", " / ")
	return fmt.Sprintf("docker %s: %s", strings.Join(e.Args[:min(2, len(e.Args))], " "), msg)
}

func (e *CommandError) Unwrap() error { return e.Err }

// Run runs docker with args, and stdin when it is not nil; it returns stdout.
func (d *Docker) Run(stdin []byte, args ...string) (string, error) {
	stdout, _, err := d.Output(stdin, args...)
	return stdout, err
}

// Output is Run that also returns what docker printed on stderr, for commands whose warnings matter
// even when they succeed.
func (d *Docker) Output(stdin []byte, args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), d.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, d.Path, args...)
	cmd.Env = d.Env
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("timed out after %s", d.Timeout)
		}
		return out.String(), errb.String(), &CommandError{Args: args, Stderr: errb.String(), Err: err}
	}
	return out.String(), errb.String(), nil
}

// RequireManager fails unless the daemon is an active Swarm manager.
func RequireManager(d *Docker) error {
	out, err := d.Run(nil, "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}")
	if err != nil {
		return failure.Wrap(err).Hint("is the Docker daemon running and reachable (docker info)?")
	}
	switch strings.TrimSpace(out) {
	case "active true":
		return nil
	case "active false":
		return failure.Errorf("this Docker daemon is a Swarm worker, not a manager").Hint("run stackgen against a manager: docker context use MANAGER, or DOCKER_HOST=ssh://MANAGER")
	}
	return failure.Errorf("this Docker daemon is not part of a Swarm (state %q)", strings.TrimSpace(out)).Hint("docker swarm init, or point DOCKER_HOST at a manager")
}
