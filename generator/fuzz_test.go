package generator_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/stacks"
)

// FuzzSpec: any bytes either fail ParseSpec with an error naming the file, or parse into a spec that
// renders, twice to the same bytes.
func FuzzSpec(f *testing.F) {
	def, _ := stacks.FS.ReadFile(stacks.Default)
	f.Add(def)
	if full, err := os.ReadFile("testdata/full/stack.yaml"); err == nil {
		f.Add(full)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := generator.ParseSpec("s.yaml", data)
		if err != nil {
			if !bytes.HasPrefix([]byte(err.Error()), []byte("s.yaml")) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		a, err := generator.Render(s, []byte("sealed"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := generator.Render(s, []byte("sealed"))
		if !bytes.Equal(a, b) {
			t.Fatal("render is not deterministic")
		}
	})
}

// FuzzUnits: the memory parsers never panic; a refused size is 0, an accepted one is between 0 and
// 2^62 bytes and reads the same in the other parser's spelling (Docker's 512M is Redis's 512mb: both
// binary); FormatRedisBytes round-trips.
func FuzzUnits(f *testing.F) {
	for _, s := range []string{"512M", "384mb", "1gb", "0", "99999999999999999999G", "-1mb", "4294967296G", "7K", "9kb"} {
		f.Add(s)
	}
	dockerToRedis := strings.NewReplacer("K", "kb", "M", "mb", "G", "gb")
	redisToDocker := strings.NewReplacer("kb", "K", "mb", "M", "gb", "G")
	f.Fuzz(func(t *testing.T, s string) {
		d, dok := generator.DockerBytes(s)
		r, rok := generator.RedisBytes(s)
		for _, c := range []struct {
			parser string
			n      int64
			ok     bool
		}{{"DockerBytes", d, dok}, {"RedisBytes", r, rok}} {
			if !c.ok && c.n != 0 {
				t.Fatalf("%s(%q) refused the size but returned %d", c.parser, s, c.n)
			}
			if c.ok && (c.n < 0 || c.n > 1<<62) {
				t.Fatalf("%s(%q) = %d, outside 0..2^62", c.parser, s, c.n)
			}
		}
		if dok {
			if back, ok := generator.RedisBytes(dockerToRedis.Replace(s)); !ok || back != d {
				t.Fatalf("DockerBytes(%q) = %d but RedisBytes(%q) = %d, %v", s, d, dockerToRedis.Replace(s), back, ok)
			}
		}
		if rok {
			if back, ok := generator.DockerBytes(redisToDocker.Replace(s)); !ok || back != r {
				t.Fatalf("RedisBytes(%q) = %d but DockerBytes(%q) = %d, %v", s, r, redisToDocker.Replace(s), back, ok)
			}
		}
		if rok && r > 0 {
			if back, ok := generator.RedisBytes(generator.FormatRedisBytes(r)); !ok || back != r {
				t.Fatalf("%q: %d -> %q -> %d", s, r, generator.FormatRedisBytes(r), back)
			}
		}
	})
}
