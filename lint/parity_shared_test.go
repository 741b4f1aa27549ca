package lint

// Shared by TestCorpusParity (corpus_test.go, left out of mutation runs) and FuzzDockerParity.

// corpusDir is where CI places the shared corpus: shared/ beside the clone, so ../shared/corpus from
// the repository root and ../../shared/corpus from this package's directory.
const corpusDir = "../../shared/corpus/realworld"

// daemonSide are the Swarm rules whose problem the docker client lets through and the daemon
// refuses at deploy time (undefined references, object names, placement constraints); docker stack
// config cannot see them.
var daemonSide = map[string]bool{"SW107": true, "SW108": true, "SW114": true}
