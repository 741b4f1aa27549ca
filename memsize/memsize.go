// Package memsize reads memory sizes the two ways stackgen meets them, and holds the one rule that
// relates them. Docker reads deploy.resources memory with go-units' RAMInBytes (docker/cli
// cli/compose/loader/loader.go transformSize): binary units, case-insensitive, fractions allowed.
// Redis reads maxmemory with its own memtoull (src/util.c): k, m and g are powers of 1000 and kb, mb
// and gb powers of 1024, so "512m" is 512,000,000 bytes and "512mb" 536,870,912.
package memsize

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/docker/go-units"
)

// Docker is the number of bytes Docker reads from s, or an error in go-units' words.
func Docker(s string) (int64, error) { return units.RAMInBytes(s) }

// Redis is the number of bytes Redis reads from s: plain bytes, b, k/kb, m/mb or g/gb in any case.
// decimal says the unit was k, m or g. ok is false for what makes Redis refuse to start (512mib,
// 0.5gb, "512 mb", a sign) and for counts over 2^62 bytes.
func Redis(s string) (n int64, decimal bool, ok bool) {
	l := strings.ToLower(s)
	i := 0
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, false, false
	}
	v, err := strconv.ParseInt(l[:i], 10, 64)
	if err != nil {
		return 0, false, false
	}
	mult, known := redisUnits[l[i:]]
	if !known || v > (1<<62)/mult {
		return 0, false, false
	}
	unit := l[i:]
	return v * mult, unit == "k" || unit == "m" || unit == "g", true
}

var redisUnits = map[string]int64{"": 1, "b": 1, "k": 1000, "kb": 1 << 10, "m": 1000 * 1000, "mb": 1 << 20,
	"g": 1000 * 1000 * 1000, "gb": 1 << 30}

// FormatRedis writes a byte count in the largest binary Redis unit that divides it, so that Redis
// reads the same number of bytes back.
func FormatRedis(n int64) string {
	if n <= 0 {
		return strconv.FormatInt(n, 10)
	}
	for _, u := range []struct {
		shift uint
		name  string
	}{{30, "gb"}, {20, "mb"}, {10, "kb"}} {
		if n%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d%s", n>>u.shift, u.name)
		}
	}
	return strconv.FormatInt(n, 10)
}

// DefaultRatio is the share of the container's memory limit Redis's maxmemory may take: BGSAVE and
// AOF rewrites fork, and copy-on-write pages, client buffers and allocator overhead come on top of
// maxmemory; at the limit the cgroup OOM-kills Redis mid-save (redis-facts.md).
const DefaultRatio = 0.75

// MaxMemory is the largest maxmemory that leaves the headroom: ratio of limit, rounded down to a
// whole megabyte when it is at least one (a value a person writes), else to the byte.
func MaxMemory(limit int64, ratio float64) int64 {
	most := int64(ratio * float64(limit))
	if most >= 1<<20 {
		most = most >> 20 << 20
	}
	return most
}

// Fits reports whether maxmemory leaves the headroom below limit.
func Fits(maxmemory, limit int64, ratio float64) bool {
	return float64(maxmemory) <= ratio*float64(limit)
}
