package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSealReplacesTheFileAtomically tells a rename from a write in place: a hard link to the old
// sealed file keeps the old bytes, and the name points to a new inode afterwards. A seal that
// truncated and rewrote the file would change the linked copy too and keep the inode, and a reader
// of the file could then see it half written.
func TestSealReplacesTheFileAtomically(t *testing.T) {
	f := newSecretFixture(t)
	f.mustRun("the first long password", "secret", "seal", "-r", f.recipient(), f.spec)
	assertReplacedByRename(t, filepath.Join(f.dir, "redis_password.age"), 0o644, func() {
		f.mustRun("the second long password", "secret", "seal", "-r", f.recipient(), f.spec)
	})
	envFile := filepath.Join(t.TempDir(), "env")
	f.mustRun("", "secret", "env", "-i", f.key, "-o", envFile, f.spec)
	if got := envPassword(t, envFile); got != "the second long password" {
		t.Fatalf("the new sealed file decrypts to %q", got)
	}
}

// TestOutputFilesReplacedAtomically: render -o and secret env -o write the same way as seal.
func TestOutputFilesReplacedAtomically(t *testing.T) {
	f := newSecretFixture(t)
	f.mustRun("the first long password", "secret", "seal", "-r", f.recipient(), f.spec)
	out := filepath.Join(f.dir, "docker-stack.yml")
	f.mustRun("", "render", "-o", out, f.spec)
	assertReplacedByRename(t, out, 0o644, func() {
		f.mustRun("", "render", "--maxmemory", "256mb", "-o", out, f.spec)
	})
	env := filepath.Join(f.dir, "redis.env")
	f.mustRun("", "secret", "env", "-i", f.key, "-o", env, f.spec)
	assertReplacedByRename(t, env, 0o600, func() {
		f.mustRun("the second long password", "secret", "seal", "-r", f.recipient(), f.spec)
		f.mustRun("", "secret", "env", "-i", f.key, "-o", env, f.spec)
	})
}

// assertReplacedByRename runs change, which must replace name with different bytes, and checks that
// it did so by renaming a new file into place: a hard link made before keeps the old bytes and the
// name's inode changes. No temporary file may be left beside it.
func assertReplacedByRename(t *testing.T, name string, perm os.FileMode, change func()) {
	t.Helper()
	before, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	infoBefore, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "old-link")
	if err := os.Link(name, link); err != nil {
		t.Fatalf("hard link (the test needs a file system with hard links): %v", err)
	}
	change()
	after, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(after, before) {
		t.Fatalf("%s did not change; the test needs a change that rewrites it", name)
	}
	if linked, _ := os.ReadFile(link); !bytes.Equal(linked, before) {
		t.Errorf("a hard link to the old %s now holds %d new bytes: the file was rewritten in place, not replaced by a rename",
			filepath.Base(name), len(linked))
	}
	infoAfter, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(infoBefore, infoAfter) {
		t.Errorf("%s kept its inode: it was rewritten in place, not replaced by a rename", filepath.Base(name))
	}
	if got := infoAfter.Mode().Perm(); got != perm {
		t.Errorf("%s has mode %04o, want %04o", filepath.Base(name), got, perm)
	}
	entries, _ := os.ReadDir(filepath.Dir(name))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
