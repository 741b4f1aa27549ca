package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/webvig/stackgen/vault"
)

// terminalUI is the vault's UI on the controlling terminal: prompts go to /dev/tty, never to stdin or
// stdout, so that pipes stay clean; messages go to stderr.
type terminalUI struct{ stderr io.Writer }

func (u terminalUI) ReadSecret(prompt string) ([]byte, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, vault.ErrNoTerminal
	}
	defer tty.Close()
	fmt.Fprint(tty, prompt+" ")
	defer fmt.Fprintln(tty)
	return term.ReadPassword(int(tty.Fd()))
}

func (u terminalUI) ReadPublic(prompt string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", vault.ErrNoTerminal
	}
	defer tty.Close()
	fmt.Fprint(tty, prompt+" ")
	line, err := bufio.NewReader(tty).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}

func (u terminalUI) Message(text string) { fmt.Fprintf(u.stderr, "stackgen: %s\n", text) }
func (u terminalUI) Warn(text string)    { fmt.Fprintf(u.stderr, "stackgen: warning: %s\n", text) }
