package readfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRead: what is refused and how, each within a second (a FIFO or an endless file must not hang).
func TestRead(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "f.yml")
	if err := os.WriteFile(reg, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.yml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yml")
	if err := os.Symlink(reg, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		max        int64
		o          Options
		want       string // "" for success (content "abc")
	}{
		{"regular", reg, 3, Options{}, ""},
		{"one byte over", reg, 2, Options{}, "larger than 2 bytes"},
		{"fifo", fifo, 10, Options{}, "a FIFO: not a regular file"},
		{"directory", dir, 10, Options{}, "a directory: not a regular file"},
		{"character device", "/dev/zero", 10, Options{}, "a character device: not a regular file"},
		{"link followed", link, 10, Options{}, ""},
		{"link refused", link, 10, Options{NoFollow: true}, "a symbolic link: not a regular file"},
		{"missing", filepath.Join(dir, "none"), 10, Options{}, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			data, err := Read(tc.path, tc.max, tc.o)
			if time.Since(start) > time.Second {
				t.Errorf("took %s", time.Since(start))
			}
			switch {
			case tc.want == "" && (err != nil || string(data) != "abc"):
				t.Fatalf("Read = %q, %v", data, err)
			case tc.want != "" && (err == nil || !strings.Contains(Describe(err), tc.want)):
				t.Fatalf("Read = %q, %v (%s); want %q", data, err, Describe(err), tc.want)
			}
		})
	}
	// /proc/self/pagemap reports an empty regular file and holds gigabytes: the read ends at the bound
	// (or the kernel refuses the read size) with little allocated.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if data, err := Read("/proc/self/pagemap", 1<<20, Options{}); err == nil {
		t.Errorf("read %d bytes of /proc/self/pagemap without an error", len(data))
	}
	runtime.ReadMemStats(&after)
	if mib := float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20); mib > 8 {
		t.Errorf("reading /proc/self/pagemap allocated %.1f MiB, bound 1 MiB", mib)
	}
	if _, err := Read(fifo, 10, Options{}); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a FIFO's error does not match ErrNotRegular: %v", err)
	}
}
