// Package procscan watches every process's argument list, and optionally its environment, for
// secrets, as a local user's process scanner would (/proc/PID/cmdline is world-readable). The tests
// that prove a password never reaches argv run it: the generator's against the wrapper script, the
// Swarm end-to-end test against every process of the machine.
package procscan

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Options say what a scan looks at.
type Options struct {
	NewOnly bool // skip the processes that exist when the scan starts (they cannot be the ones under test)
	Environ bool // also read /proc/PID/environ (root sees every process's)
}

// Sighting is a process whose argument list held a secret.
type Sighting struct {
	PID     int
	Argv0   string // the program's base name
	Cmdline string // the argument list, spaces between arguments
}

// Scan polls /proc until Stop. Read its fields only after Stop.
type Scan struct {
	Scans   int
	Argv    []Sighting
	Environ map[string]int // process name -> passes in which a secret was in its environment
	PIDs    int            // processes seen

	secrets    [][]byte
	opts       Options
	old        map[int]bool
	seen       map[int]bool
	ppid       map[int]int
	argv0      map[int]map[string]bool // what each pid ran, every exec seen
	stop, done chan struct{}
}

// Start begins scanning for any of secrets.
func Start(opts Options, secrets ...string) *Scan {
	s := &Scan{Environ: map[string]int{}, opts: opts, old: map[int]bool{}, seen: map[int]bool{},
		ppid: map[int]int{}, argv0: map[int]map[string]bool{}, stop: make(chan struct{}), done: make(chan struct{})}
	for _, x := range secrets {
		s.secrets = append(s.secrets, []byte(x))
	}
	if opts.NewOnly {
		for _, pid := range pids() {
			s.old[pid] = true
		}
	}
	go func() {
		defer close(s.done)
		for {
			s.pass()
			select {
			case <-s.stop:
				s.pass()
				return
			default:
			}
		}
	}()
	return s
}

// Stop ends the scan after one last pass.
func (s *Scan) Stop() {
	close(s.stop)
	<-s.done
	s.PIDs = len(s.seen)
}

func pids() []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

func (s *Scan) holds(data []byte) bool {
	for _, x := range s.secrets {
		if bytes.Contains(data, x) {
			return true
		}
	}
	return false
}

func (s *Scan) pass() {
	s.Scans++
	for _, pid := range pids() {
		if s.old[pid] {
			continue
		}
		s.seen[pid] = true
		dir := "/proc/" + strconv.Itoa(pid)
		cmdline, err := os.ReadFile(dir + "/cmdline")
		if err != nil || len(cmdline) == 0 {
			continue // gone, or a zombie
		}
		argv0, _, _ := bytes.Cut(cmdline, []byte{0})
		if stat, err := os.ReadFile(dir + "/stat"); err == nil {
			// "pid (comm) state ppid ...": comm may hold spaces and parentheses, so cut at the last ")".
			if i := bytes.LastIndexByte(stat, ')'); i > 0 {
				if f := strings.Fields(string(stat[i+1:])); len(f) > 1 {
					s.ppid[pid], _ = strconv.Atoi(f[1])
				}
			}
		}
		if s.argv0[pid] == nil {
			s.argv0[pid] = map[string]bool{}
		}
		s.argv0[pid][string(argv0)] = true
		if s.holds(cmdline) {
			s.Argv = append(s.Argv, Sighting{PID: pid, Argv0: filepath.Base(string(argv0)),
				Cmdline: strings.ReplaceAll(string(cmdline), "\x00", " ")})
		}
		if s.opts.Environ {
			if env, err := os.ReadFile(dir + "/environ"); err == nil && s.holds(env) {
				comm, _ := os.ReadFile(dir + "/comm")
				s.Environ[strings.TrimSpace(string(comm))]++
			}
		}
	}
}

// Tree is how many of the processes seen descend from root (root included), and the programs they
// ran.
func (s *Scan) Tree(root int) (n int, ran []string) {
	seen := map[string]bool{}
	for pid := range s.argv0 {
		for p, hops := pid, 0; p > 1 && hops < 64; p, hops = s.ppid[p], hops+1 {
			if p == root {
				n++
				for a := range s.argv0[pid] {
					if b := filepath.Base(a); !seen[b] {
						seen[b] = true
						ran = append(ran, b)
					}
				}
				break
			}
		}
	}
	return n, ran
}

// Redacted is a sighting's argument list with each secret replaced by [secret], so that a test
// failure never prints one.
func (s *Scan) Redacted(x Sighting) string {
	line := x.Cmdline
	for _, sec := range s.secrets {
		line = strings.ReplaceAll(line, string(sec), "[secret]")
	}
	return strconv.Itoa(x.PID) + ": " + line
}
