package memsize

import (
	"fmt"
	"strings"
	"testing"
)

// TestDocker: what docker stack deploy reads (go-units RAMInBytes): binary units in any case, an
// optional b or ib, fractions; a sign, spaces around the number or an unknown unit are refused.
func TestDocker(t *testing.T) {
	for in, want := range map[string]int64{
		"536870912": 536870912, "512M": 512 << 20, "512m": 512 << 20, "512mb": 512 << 20, "512MiB": 512 << 20,
		"1.5g": 3 << 29, "2k": 2048, "1t": 1 << 40, "0": 0, "10b": 10, "1 M": 1 << 20,
	} {
		if n, err := Docker(in); err != nil || n != want {
			t.Errorf("Docker(%q) = %d, %v; want %d", in, n, err, want)
		}
	}
	for _, in := range []string{"", "-1", "x", "1x", "-1m", " 7 ", "1mbb"} {
		if n, err := Docker(in); err == nil {
			t.Errorf("Docker(%q) = %d, want an error", in, n)
		}
	}
}

// TestRedis: Redis's memtoull: k, m, g decimal, kb, mb, gb binary, any case; at most 2^62 bytes.
func TestRedis(t *testing.T) {
	for _, tc := range []struct {
		in      string
		n       int64
		decimal bool
		ok      bool
	}{
		{"0", 0, false, true},
		{"100", 100, false, true},
		{"100b", 100, false, true},
		{"1k", 1000, true, true},
		{"1KB", 1024, false, true},
		{"2m", 2000000, true, true},
		{"2mb", 2 << 20, false, true},
		{"384mb", 402653184, false, true},
		{"3g", 3000000000, true, true},
		{"3Gb", 3 << 30, false, true},
		{"512mib", 0, false, false},
		{"0.5gb", 0, false, false},
		{"512 mb", 0, false, false},
		{"1mb ", 0, false, false},
		{"-1mb", 0, false, false},
		{"1tb", 0, false, false},
		{"mb", 0, false, false},
		{"", 0, false, false},
		{"99999999999999999999", 0, false, false},
		{fmt.Sprint(int64(1) << 62), 1 << 62, false, true},
		{fmt.Sprint(int64(1)<<62 + 1), 0, false, false},
		{"4503599627370496kb", 1 << 62, false, true},
		{"4503599627370497kb", 0, false, false},
		{"4398046511104mb", 1 << 62, false, true},
		{"4398046511105mb", 0, false, false},
		{"4294967296gb", 1 << 62, false, true},
		{"4294967297gb", 0, false, false},
	} {
		n, dec, ok := Redis(tc.in)
		if n != tc.n || dec != tc.decimal || ok != tc.ok {
			t.Errorf("Redis(%q) = %d, %v, %v; want %d, %v, %v", tc.in, n, dec, ok, tc.n, tc.decimal, tc.ok)
		}
	}
}

// TestFormatRedis: the largest binary unit that divides the count; zero, negatives and odd counts
// stay plain.
func TestFormatRedis(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{0, "0"}, {1, "1"}, {1023, "1023"}, {1024, "1kb"}, {1025, "1025"}, {1536, "1536"}, {3072, "3kb"},
		{1 << 20, "1mb"}, {1<<20 + 1024, "1025kb"}, {402653184, "384mb"}, {1 << 30, "1gb"}, {3 << 29, "1536mb"},
		{1 << 62, "4294967296gb"}, {-1024, "-1024"}, {-(1 << 30), "-1073741824"},
	} {
		if got := FormatRedis(tc.in); got != tc.want {
			t.Errorf("FormatRedis(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestHeadroom: maxmemory may be the ratio of the limit to the byte; the advice rounds down to a
// whole megabyte once it is one.
func TestHeadroom(t *testing.T) {
	for _, tc := range []struct {
		maxmemory, limit int64
		ratio            float64
		fits             bool
		most             int64
	}{
		{402653184, 512 << 20, DefaultRatio, true, 384 << 20},
		{402653185, 512 << 20, DefaultRatio, false, 384 << 20},
		{512 << 20, 512 << 20, DefaultRatio, false, 384 << 20},
		{768 << 20, 1 << 30, DefaultRatio, true, 768 << 20},
		{3072, 4096, DefaultRatio, true, 3072},
		{750, 1001, DefaultRatio, true, 750},
		{751, 1001, DefaultRatio, false, 750},
		{400 << 20, 1000 << 20, 0.5, true, 500 << 20},
		{(100 << 20) + 1, 201 << 20, 0.5, true, 100 << 20}, // 100.5 MiB allowed, advised 100mb
	} {
		if got := Fits(tc.maxmemory, tc.limit, tc.ratio); got != tc.fits {
			t.Errorf("Fits(%d, %d, %v) = %v", tc.maxmemory, tc.limit, tc.ratio, got)
		}
		if got := MaxMemory(tc.limit, tc.ratio); got != tc.most {
			t.Errorf("MaxMemory(%d, %v) = %d, want %d", tc.limit, tc.ratio, got, tc.most)
		}
	}
}

// FuzzSizes: the parsers never panic; a refused Redis size is 0 and an accepted one lies in
// 0..2^62; a binary Redis size reads the same in Docker's spelling (512mb is 512M) up to 2^53 bytes
// (go-units parses through a float64, so 10000000000000001 is 10000000000000000 to Docker), and
// FormatRedis round-trips.
func FuzzSizes(f *testing.F) {
	for _, s := range []string{"512M", "384mb", "1gb", "0", "99999999999999999999G", "-1mb", "4294967296G", "7K", "9kb", "3m"} {
		f.Add(s)
	}
	toDocker := strings.NewReplacer("kb", "K", "mb", "M", "gb", "G")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = Docker(s)
		n, decimal, ok := Redis(s)
		if !ok && (n != 0 || decimal) {
			t.Fatalf("Redis(%q) refused the size but returned %d, %v", s, n, decimal)
		}
		if ok && (n < 0 || n > 1<<62) {
			t.Fatalf("Redis(%q) = %d, outside 0..2^62", s, n)
		}
		if !ok || decimal {
			return
		}
		lower := strings.ToLower(s)
		binary := strings.HasSuffix(lower, "kb") || strings.HasSuffix(lower, "mb") || strings.HasSuffix(lower, "gb")
		plain := lower == s && !strings.HasSuffix(s, "b")
		if n <= 1<<53 && (binary || plain) {
			if d, err := Docker(toDocker.Replace(lower)); err != nil || d != n {
				t.Fatalf("Redis(%q) = %d but Docker(%q) = %d, %v", s, n, toDocker.Replace(lower), d, err)
			}
		}
		if back, _, ok := Redis(FormatRedis(n)); !ok || back != n {
			t.Fatalf("%q: %d -> %q -> %d", s, n, FormatRedis(n), back)
		}
	})
}
