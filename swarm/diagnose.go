package swarm

import (
	"fmt"
	"sort"
	"strings"
)

// taskLogs is one task's log lines, deduplicated, in the order Redis wrote them.
type taskLogs struct {
	task, node string
	last       string // newest timestamp, for ordering tasks the task list does not name
	lines      []string
}

// diagnose reads the service's recent logs and tasks and returns the hints of a deploy or restart
// that did not converge: one cause line first (the newest task's error, the first fatal Redis line,
// whether the restart budget is spent, and the command that recovers), then each task's logs, newest
// task first, each line once.
func diagnose(d *Docker, service string, tasks []Task) []string {
	groups := map[string]*taskLogs{}
	var order []*taskLogs
	if out, err := d.Run(nil, "service", "logs", "--timestamps", "--no-trunc", "--tail", "50", service); err == nil {
		for _, line := range strings.Split(out, "\n") {
			ts, task, node, msg := parseLogLine(line)
			if msg == "" {
				continue
			}
			g := groups[task]
			if g == nil {
				g = &taskLogs{task: task, node: node}
				groups[task] = g
				order = append(order, g)
			}
			if ts > g.last {
				g.last = ts
			}
			if !contains(g.lines, msg) {
				g.lines = append(g.lines, msg)
			}
		}
	}
	rank := map[string]int{}
	for i, t := range tasks {
		rank[t.ID] = i + 1
	}
	sort.SliceStable(order, func(i, j int) bool {
		ri, rj := rank[order[i].task], rank[order[j].task]
		if ri != 0 && rj != 0 {
			return ri < rj
		}
		if ri != 0 || rj != 0 {
			return ri != 0
		}
		return order[i].last > order[j].last
	})

	taskErr := ""
	for _, t := range tasks { // newest first
		if t.Err != "" {
			taskErr = fmt.Sprintf("task %.12s: %s", t.ID, t.Err)
			break
		}
	}
	fatal := ""
	for _, g := range order {
		for _, l := range g.lines {
			if fatal == "" && isFatal(l) {
				fatal = l
			}
		}
		if fatal != "" {
			break
		}
	}
	var cause []string
	if taskErr != "" {
		cause = append(cause, taskErr)
	}
	if fatal != "" {
		cause = append(cause, "Redis: "+fatal)
	}
	cause = append(cause, budget(d, service, tasks))
	recover := "docker service update --force " + service
	if strings.Contains(fatal, "append only file") || strings.Contains(fatal, "AOF") {
		recover = "repair the AOF on the node that holds the volume (redis-check-aof --fix), then " + recover
	}
	cause = append(cause, "recover: "+recover)

	hints := []string{"cause: " + strings.Join(cause, "; ")}
	for _, g := range order {
		head := "task " + shortID(g.task)
		if g.node != "" {
			head += " on " + g.node
		}
		for _, l := range g.lines {
			hints = append(hints, "log: "+head+": "+l)
		}
	}
	return hints
}

// parseLogLine splits `docker service logs --timestamps --no-trunc` output:
// "TS SERVICE.SLOT.TASKID@NODE    | MESSAGE". A line without the prefix is kept whole under task "".
func parseLogLine(line string) (ts, task, node, msg string) {
	line = strings.TrimRight(line, "\r")
	ctx, msg, ok := strings.Cut(line, "| ")
	if !ok {
		return "", "", "", strings.TrimSpace(line)
	}
	f := strings.Fields(ctx)
	if len(f) == 0 {
		return "", "", "", strings.TrimSpace(msg)
	}
	if len(f) == 2 {
		ts = f[0]
	}
	src := f[len(f)-1]
	src, node, _ = strings.Cut(src, "@")
	if parts := strings.Split(src, "."); len(parts) >= 3 {
		task = parts[len(parts)-1]
	}
	return ts, task, node, strings.TrimSpace(msg)
}

// isFatal recognises what ends a Redis start: its warning-level lines (" # ") that say so, the
// wrapper's refusals, and the usual fatal wording.
func isFatal(l string) bool {
	low := strings.ToLower(l)
	for _, k := range []string{"bad file format", "fatal", "can't", "cannot", "refusing", "error", "unrecoverable"} {
		if strings.Contains(low, k) {
			return true
		}
	}
	return false
}

// budget says whether Swarm will restart the task again.
func budget(d *Docker, service string, tasks []Task) string {
	svc, err := InspectService(d, service)
	if err != nil || svc == nil {
		return "restart budget unknown"
	}
	rp := svc.Spec.TaskTemplate.RestartPolicy
	if rp == nil || rp.MaxAttempts == 0 {
		return "no restart limit: Swarm keeps restarting it"
	}
	limit := rp.MaxAttempts
	live := false
	failed := 0
	for _, t := range tasks {
		live = live || t.Desired == "Running" || t.Desired == "Ready"
		if t.Err != "" || strings.HasPrefix(t.Current, "Failed") {
			failed++
		}
	}
	if !live && uint64(failed) >= limit {
		return fmt.Sprintf("the restart budget (max_attempts %d) is spent: Swarm will not restart it", limit)
	}
	return fmt.Sprintf("%d of max_attempts %d restarts used", failed, limit)
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
