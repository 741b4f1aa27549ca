package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoBuildOutputsTracked: no compiled program is committed (a 15 MB stackgen binary once was).
// It reads every tracked file's first bytes for the ELF, Mach-O and PE magic numbers.
func TestNoBuildOutputsTracked(t *testing.T) {
	out, err := exec.Command("git", "-C", "../..", "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v (this test needs git and the checkout's .git)", err)
	}
	magics := map[string][]byte{
		"ELF":    {0x7f, 'E', 'L', 'F'},
		"Mach-O": {0xcf, 0xfa, 0xed, 0xfe},
		"PE":     {'M', 'Z'},
	}
	names := strings.Split(strings.TrimRight(string(out), "\x00"), "\x00")
	if len(names) < 50 {
		t.Fatalf("git ls-files listed %d files; expected the whole repository", len(names))
	}
	for _, name := range names {
		f, err := os.Open(filepath.Join("../..", name))
		if err != nil {
			continue // deleted in the work tree
		}
		head := make([]byte, 4)
		n, _ := f.Read(head)
		f.Close()
		for kind, m := range magics {
			if n >= len(m) && bytes.Equal(head[:len(m)], m) {
				t.Errorf("%s is a compiled %s binary: remove it (git rm --cached) and build into an ignored path", name, kind)
			}
		}
	}
}
