// Command fakedocker is the recording stand-in for the docker CLI in stackgen's tests, for what a
// real engine cannot show on demand (a service that publishes a port, a Redis without a password, a
// drained node). It appends its argv as one JSON line to $FAKE_DOCKER/argv.jsonl and answers from
// $FAKE_DOCKER/script.json: a list of {"re", "stdout", "stderr", "exit"}; the first regexp that
// matches the space-joined argv wins; the stdin of `secret create NAME -` is kept in
// $FAKE_DOCKER/secrets/NAME. An answer with "when" applies only once $FAKE_DOCKER/WHEN exists, and
// one with "mark" creates $FAKE_DOCKER/MARK: a script can change its answers after a call (a
// service ps after a service update --force). No match is exit 3 with "fakedocker: unexpected ...".
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

var fileRef = regexp.MustCompile(`\{\{file:([a-z-]+)\}\}`)

type answer struct {
	Re     string `json:"re"`
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	Exit   int    `json:"exit"`
	When   string `json:"when"`
	Mark   string `json:"mark"`
}

func main() {
	dir := os.Getenv("FAKE_DOCKER")
	args := os.Args[1:]
	if line, err := json.Marshal(args); err == nil {
		if f, err := os.OpenFile(filepath.Join(dir, "argv.jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
			f.Write(append(line, '\n'))
			f.Close()
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "script.json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakedocker:", err)
		os.Exit(3)
	}
	var script []answer
	if err := json.Unmarshal(data, &script); err != nil {
		fmt.Fprintln(os.Stderr, "fakedocker:", err)
		os.Exit(3)
	}
	// What a real engine keeps from stdin is kept as files: a secret's value under secrets/NAME (and
	// its name in created-KIND, KIND from the com.stackgen.kind label), a deployed stack in deployed.yml.
	if len(args) > 2 && args[0] == "secret" && args[1] == "create" && args[len(args)-1] == "-" {
		value, _ := io.ReadAll(os.Stdin)
		os.MkdirAll(filepath.Join(dir, "secrets"), 0o755)
		os.WriteFile(filepath.Join(dir, "secrets", args[len(args)-2]), value, 0o600)
		for _, a := range args {
			if kind, ok := strings.CutPrefix(a, "com.stackgen.kind="); ok {
				os.WriteFile(filepath.Join(dir, "created-"+kind), []byte(args[len(args)-2]), 0o644)
			}
		}
	}
	if len(args) > 3 && args[0] == "stack" && args[1] == "deploy" {
		value, _ := io.ReadAll(os.Stdin)
		os.WriteFile(filepath.Join(dir, "deployed.yml"), value, 0o644)
	}
	joined := strings.Join(args, " ")
	for _, a := range script {
		if a.When != "" {
			if _, err := os.Stat(filepath.Join(dir, a.When)); err != nil {
				continue
			}
		}
		if regexp.MustCompile(a.Re).MatchString(joined) {
			if a.Mark != "" {
				os.WriteFile(filepath.Join(dir, a.Mark), nil, 0o644)
			}
			// {{file:NAME}} in an answer is replaced by what $FAKE_DOCKER/NAME holds.
			fmt.Print(fileRef.ReplaceAllStringFunc(a.Stdout, func(m string) string {
				data, _ := os.ReadFile(filepath.Join(dir, fileRef.FindStringSubmatch(m)[1]))
				return strings.TrimSpace(string(data))
			}))
			fmt.Fprint(os.Stderr, a.Stderr)
			os.Exit(a.Exit)
		}
	}
	fmt.Fprintf(os.Stderr, "fakedocker: unexpected %s\n", joined)
	os.Exit(3)
}
