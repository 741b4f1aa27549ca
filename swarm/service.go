package swarm

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Service is a service as `docker service inspect` prints it, in the parts stackgen reads: the one
// model of a service that deploy's wait, verify, drift and the diagnosis share, decoded once.
// Field names are docker's (encoding/json matches them without tags).
type Service struct {
	ID           string
	Spec         ServiceSpec
	UpdateStatus *struct{ State, StartedAt, Message string }
	Endpoint     struct {
		Ports []struct{ PublishedPort, TargetPort int }
	}
}

// ServiceSpec is a service's spec. Raw is the spec as docker printed it, for telling whether
// anything at all changed.
type ServiceSpec struct {
	TaskTemplate struct {
		ContainerSpec struct {
			Image         string
			Command, Args []string
			Healthcheck   *struct {
				Test                           []string
				Interval, Timeout, StartPeriod int64 // nanoseconds
				Retries                        int
			}
			Secrets []struct {
				File struct {
					Name string
					Mode uint32
				}
				SecretName string
			}
			Mounts []struct{ Type, Source, Target string }
		}
		Resources struct {
			Limits, Reservations struct{ MemoryBytes int64 }
		}
		RestartPolicy *struct {
			Condition     string
			Delay, Window int64 // nanoseconds
			MaxAttempts   uint64
		}
		Placement *struct{ Constraints []string }
		Networks  []struct{ Target string }
	}
	UpdateConfig, RollbackConfig *struct{ Order string }
	EndpointSpec                 *struct{ Mode string }
	Raw                          json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the spec and keeps its bytes.
func (s *ServiceSpec) UnmarshalJSON(data []byte) error {
	type plain ServiceSpec
	if err := json.Unmarshal(data, (*plain)(s)); err != nil {
		return err
	}
	s.Raw = append(json.RawMessage(nil), data...)
	return nil
}

// EndpointMode is the service's endpoint mode ("vip" when unset, Swarm's default).
func (s *Service) EndpointMode() string {
	if s.Spec.EndpointSpec != nil && s.Spec.EndpointSpec.Mode != "" {
		return s.Spec.EndpointSpec.Mode
	}
	return "vip"
}

// InspectService returns nil, nil when the service does not exist.
func InspectService(d *Docker, name string) (*Service, error) {
	out, err := d.Run(nil, "service", "inspect", name)
	if err != nil {
		var ce *CommandError
		if errors.As(err, &ce) && strings.Contains(strings.ToLower(ce.Stderr), "no such service") {
			return nil, nil
		}
		return nil, err
	}
	var svcs []Service
	if err := json.Unmarshal([]byte(out), &svcs); err != nil || len(svcs) != 1 {
		return nil, fmt.Errorf("docker service inspect %s: unexpected output", name)
	}
	return &svcs[0], nil
}

// Task is one line of `docker service ps`.
type Task struct {
	ID, Desired, Current, Err string
}

// serviceTasks lists a service's tasks, newest first.
func serviceTasks(d *Docker, service string) ([]Task, error) {
	out, err := d.Run(nil, "service", "ps", "--no-trunc", "--format", "{{.ID}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}", service)
	if err != nil {
		return nil, err
	}
	return parseTasks(out), nil
}

// parseTasks reads docker service ps lines of ID, desired state, current state and error.
func parseTasks(out string) []Task {
	var tasks []Task
	for _, line := range strings.Split(out, "\n") {
		f := strings.SplitN(line, "\t", 4)
		if len(f) >= 3 {
			t := Task{ID: f[0], Desired: f[1], Current: f[2]}
			if len(f) == 4 {
				t.Err = strings.TrimSpace(f[3])
			}
			tasks = append(tasks, t)
		}
	}
	return tasks
}
