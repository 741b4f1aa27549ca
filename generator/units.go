package generator

import (
	"fmt"
	"strconv"
)

// DockerBytes parses a memory size as the spec writes it for Docker ("512M"): K, M and G are binary
// units, as in `docker stack deploy`.
func DockerBytes(s string) (int64, bool) {
	return parseSize(s, map[string]int64{"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30})
}

// RedisBytes parses a memory size as the spec writes it for Redis ("384mb"). Only the binary units
// kb, mb and gb are accepted here: Redis reads "m" and "g" as decimal, a classic source of surprise.
func RedisBytes(s string) (int64, bool) {
	return parseSize(s, map[string]int64{"": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30})
}

func parseSize(s string, units map[string]int64) (int64, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	mult, ok := units[s[i:]]
	if err != nil || !ok || n > (1<<62)/mult {
		return 0, false
	}
	return n * mult, true
}

// FormatRedisBytes writes a byte count in the largest binary Redis unit that divides it.
func FormatRedisBytes(n int64) string {
	// An if chain rather than a tagless switch: Go's coverage profile attributes the conditions of a
	// switch's cases to no block, so a mutation tester would count them as never run.
	if n <= 0 {
		return strconv.FormatInt(n, 10)
	}
	if n%(1<<30) == 0 {
		return fmt.Sprintf("%dgb", n>>30)
	}
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%dmb", n>>20)
	}
	if n%(1<<10) == 0 {
		return fmt.Sprintf("%dkb", n>>10)
	}
	return strconv.FormatInt(n, 10)
}
