package generator_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/webvig/stackgen/generator"
)

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
