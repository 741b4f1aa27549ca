package lint

// Shared by TestCorpusParity (corpus_test.go, left out of mutation runs) and FuzzDockerParity.

// corpusDir is where CI places the shared corpus: shared/ beside the clone, so ../shared/corpus from
// the repository root and ../../shared/corpus from this package's directory.
const corpusDir = "../../shared/corpus/realworld"

// daemonSide are the Swarm rules whose problem docker stack config lets through and deploy meets
// later: in convert (undefined references, a restart: it cannot convert), at the daemon (object names, placement constraints, a
// network with a local driver) or on the node (volume names, a volume read as a Windows drive); docker stack config cannot see them.
var daemonSide = map[string]bool{"SW107": true, "SW108": true, "SW114": true, "SW115": true, "SW116": true, "SW117": true}
