package generator_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/webvig/stackgen/generator"
)

// TestDockerBytes: K, M and G are binary, as `docker stack deploy` reads them; anything else is refused.
func TestDockerBytes(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1", 1, true},
		{"9", 9, true},
		{"10", 10, true},
		{"1K", 1024, true},
		{"1M", 1048576, true},
		{"1G", 1073741824, true},
		{"512M", 536870912, true},
		{"256M", 268435456, true},
		{"90K", 92160, true},
		{"007M", 7340032, true},
		// The largest accepted value of each unit is 2^62 bytes; one more is refused, not wrapped.
		{"4611686018427387904", 1 << 62, true},
		{"4611686018427387905", 0, false},
		{"4503599627370496K", 1 << 62, true},
		{"4503599627370497K", 0, false},
		{"4398046511104M", 1 << 62, true},
		{"4398046511105M", 0, false},
		{"4294967296G", 1 << 62, true},
		{"4294967297G", 0, false},
		{"99999999999999999999G", 0, false}, // beyond int64 before the unit
		// Redis's units and lower case are not Docker's.
		{"1k", 0, false},
		{"1m", 0, false},
		{"1g", 0, false},
		{"1mb", 0, false},
		{"1MB", 0, false},
		{"1MiB", 0, false},
		{"1T", 0, false},
		{"1B", 0, false},
		{"", 0, false},
		{"M", 0, false},
		{"-1M", 0, false},
		{"+1M", 0, false},
		{" 1M", 0, false},
		{"1M ", 0, false},
		{"1 M", 0, false},
		{"1.5G", 0, false},
		{"0x10", 0, false},
	}
	for _, tc := range tests {
		got, ok := generator.DockerBytes(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("DockerBytes(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestRedisBytes: only the binary kb, mb and gb are accepted; Redis itself reads "m" and "g" as
// decimal, so 384mb must be 384 MiB and "384m" must be refused, never taken as 384,000,000.
func TestRedisBytes(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1", 1, true},
		{"402653184", 402653184, true},
		{"1kb", 1024, true},
		{"1mb", 1048576, true},
		{"1gb", 1073741824, true},
		{"384mb", 402653184, true},
		{"9mb", 9437184, true},
		{"10mb", 10485760, true},
		{"3kb", 3072, true},
		{"2gb", 2147483648, true},
		{"4503599627370496kb", 1 << 62, true},
		{"4503599627370497kb", 0, false},
		{"4398046511104mb", 1 << 62, true},
		{"4398046511105mb", 0, false},
		{"4294967296gb", 1 << 62, true},
		{"4294967297gb", 0, false},
		{"4611686018427387905", 0, false},
		{"99999999999999999999mb", 0, false},
		// Decimal and Docker spellings are refused.
		{"384m", 0, false},
		{"1k", 0, false},
		{"1g", 0, false},
		{"1b", 0, false},
		{"1K", 0, false},
		{"1M", 0, false},
		{"1G", 0, false},
		{"1KB", 0, false},
		{"1MB", 0, false},
		{"1GB", 0, false},
		{"1tb", 0, false},
		{"", 0, false},
		{"mb", 0, false},
		{"-1mb", 0, false},
		{"1 mb", 0, false},
		{"1mb ", 0, false},
		{"1.5gb", 0, false},
	}
	for _, tc := range tests {
		got, ok := generator.RedisBytes(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("RedisBytes(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestFormatRedisBytes: the largest binary unit that divides the count, so the text Redis reads is
// the same number of bytes; zero, negatives and odd counts stay plain.
func TestFormatRedisBytes(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0"},
		{1, "1"},
		{1023, "1023"},
		{1024, "1kb"},
		{1025, "1025"},
		{1536, "1536"},
		{2048, "2kb"},
		{3072, "3kb"},
		{1 << 20, "1mb"},
		{1<<20 + 1024, "1025kb"},
		{402653184, "384mb"},
		{1 << 30, "1gb"},
		{3 << 29, "1536mb"},
		{5 << 30, "5gb"},
		{1 << 62, "4294967296gb"},
		{-1024, "-1024"},
		{-(1 << 20), "-1048576"},
		{-(1 << 30), "-1073741824"},
	}
	for _, tc := range tests {
		if got := generator.FormatRedisBytes(tc.in); got != tc.want {
			t.Errorf("FormatRedisBytes(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCheckHeadroom: maxmemory may be at most three quarters of the container's limit, to the byte.
func TestCheckHeadroom(t *testing.T) {
	tests := []struct {
		name, limit, reservation, maxmemory string
		err                                 string // "" for accepted
	}{
		{"exactly three quarters", "512M", "256M", "384mb", ""},
		{"exactly three quarters in bytes", "512M", "256M", "402653184", ""},
		{"one byte over", "512M", "256M", "402653185",
			"402653185 leaves less than a quarter of memory.limit 512M as headroom for fork, client buffers and allocator overhead; use at most 384mb"},
		{"one kb over", "512M", "256M", "393217kb",
			"393217kb leaves less than a quarter of memory.limit 512M as headroom for fork, client buffers and allocator overhead; use at most 384mb"},
		// 402mb fits under 512M only if mb were decimal (402,000,000 bytes); it is 421,527,552.
		{"402mb is binary", "512M", "256M", "402mb",
			"402mb leaves less than a quarter of memory.limit 512M as headroom for fork, client buffers and allocator overhead; use at most 384mb"},
		{"1G limit", "1G", "512M", "768mb", ""},
		{"1G limit, one mb over", "1G", "512M", "769mb",
			"769mb leaves less than a quarter of memory.limit 1G as headroom for fork, client buffers and allocator overhead; use at most 768mb"},
		{"limit in K", "4K", "1K", "3kb", ""},
		{"limit in K, over", "4K", "1K", "4kb",
			"4kb leaves less than a quarter of memory.limit 4K as headroom for fork, client buffers and allocator overhead; use at most 3kb"},
		{"bytes limit, odd quarter", "1001", "1", "750", ""},
		{"bytes limit, odd quarter, over", "1001", "1", "751",
			"751 leaves less than a quarter of memory.limit 1001 as headroom for fork, client buffers and allocator overhead; use at most 750"},
		{"maxmemory equal to the limit", "512M", "256M", "512mb",
			"512mb leaves less than a quarter of memory.limit 512M as headroom for fork, client buffers and allocator overhead; use at most 384mb"},
		{"reservation equal to the limit", "512M", "512M", "384mb", ""},
		{"reservation one byte over the limit", "512M", "536870913", "384mb",
			"536870913 is above memory.limit 512M; a reservation cannot exceed the limit"},
		{"reservation 1G over 512M", "512M", "1G", "384mb",
			"1G is above memory.limit 512M; a reservation cannot exceed the limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := validSpec()
			s.Memory = generator.Memory{Limit: tc.limit, Reservation: tc.reservation}
			s.Redis.MaxMemory = tc.maxmemory
			err := s.Check()
			if tc.err == "" {
				if err != nil {
					t.Fatalf("Check() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check() accepted limit %s, reservation %s, maxmemory %s", tc.limit, tc.reservation, tc.maxmemory)
			}
			if got := err.Error(); !strings.HasSuffix(got, tc.err) {
				t.Fatalf("Check() = %q, want suffix %q", got, tc.err)
			}
		})
	}
}

// TestCheckHeadroomInSpec: the same boundary through ParseSpec, with the error at the value's position.
func TestCheckHeadroomInSpec(t *testing.T) {
	spec := func(limit, maxmemory string) []byte {
		return []byte("stack: s\nimage: redis:6.2\nnetwork: n\nmemory:\n  limit: " + limit + "\n  reservation: 1K\n" +
			"redis:\n  maxmemory: " + maxmemory + "\n  maxmemory_policy: allkeys-lru\n  appendfsync: everysec\n  save: []\n" +
			"placement:\n  constraints: []\npassword:\n  file: p.age\n")
	}
	if _, err := generator.ParseSpec("s.yaml", spec("1M", "768kb")); err != nil {
		t.Fatalf("maxmemory exactly three quarters of the limit: %v", err)
	}
	_, err := generator.ParseSpec("s.yaml", spec("1M", "769kb"))
	want := "s.yaml:8:14: redis.maxmemory: 769kb leaves less than a quarter of memory.limit 1M as headroom for fork, " +
		"client buffers and allocator overhead; use at most 768kb"
	if err == nil || err.Error() != want {
		t.Fatalf("ParseSpec error = %v, want %s", err, want)
	}
}

// TestCheckNameLengths: Swarm refuses secret names over 64 characters; the limit is exact.
func TestCheckNameLengths(t *testing.T) {
	// A secret name is STACK_SERVICE_password_ and 12 hex digits: 23 characters besides the two names.
	for _, tc := range []struct {
		stack, service string
		ok             bool
	}{
		{strings.Repeat("s", 36), "redis", true},  // 64 characters
		{strings.Repeat("s", 37), "redis", false}, // 65
		{"a", strings.Repeat("v", 40), true},
		{"a", strings.Repeat("v", 41), false},
	} {
		s := validSpec()
		s.Stack, s.Service = tc.stack, tc.service
		n := len(s.SecretName(nil))
		err := s.Check()
		if tc.ok && err != nil {
			t.Errorf("secret name of %d characters refused: %v", n, err)
		}
		if !tc.ok {
			want := "stack: stack " + strconv.Quote(tc.stack) + " and service " + strconv.Quote(tc.service) +
				" make secret names of " + strconv.Itoa(n) + " characters; Swarm allows 64"
			if err == nil || !strings.HasSuffix(err.Error(), want) {
				t.Errorf("secret name of %d characters: error %v, want suffix %q", n, err, want)
			}
		}
	}
}

// validSpec is a spec that passes Check, built without the schema so single values can be pushed
// past what the schema would let through.
func validSpec() *generator.Spec {
	return &generator.Spec{
		Stack: "wheel_analyzer", Service: "redis", File: "s.yaml",
		Memory: generator.Memory{Limit: "512M", Reservation: "256M"},
		Redis:  generator.Redis{MaxMemory: "384mb"},
	}
}
