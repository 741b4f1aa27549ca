module github.com/webvig/stackgen

go 1.26.8

require (
	filippo.io/age v1.3.2
	github.com/distribution/reference v0.6.0
	github.com/docker/go-connections v0.5.0
	github.com/docker/go-units v0.5.0
	github.com/rogpeppe/go-internal v1.16.0
	github.com/sirupsen/logrus v1.10.1
	github.com/spf13/pflag v1.1.0
	github.com/xeipuuv/gojsonschema v1.2.0
	go.yaml.in/yaml/v4 v4.0.0-rc.4
	golang.org/x/crypto v0.59.0
	golang.org/x/term v0.48.0
)

// Test only: docker/cli's own Compose loader is the oracle of lint's FuzzDockerParity
// (lint/parity_fuzz_test.go), and its env-file reader judges secret env's output
// (cmd/stackgen/security_test.go). It is imported from _test.go files only and never linked into
// the stackgen binary; docker/docker comes with it. v28.2.2 matches the docker CLI these machines ship.
require (
	github.com/docker/cli v28.2.2+incompatible
	github.com/docker/docker v28.2.2+incompatible // indirect
)

require (
	dario.cat/mergo v1.0.2 // indirect
	filippo.io/edwards25519 v1.2.0 // indirect
	filippo.io/hpke v0.4.0 // indirect
	github.com/go-viper/mapstructure/v2 v2.4.0 // indirect
	github.com/gogo/protobuf v1.3.2 // indirect
	github.com/google/shlex v0.0.0-20191202100458-e7afc7fbc510 // indirect
	github.com/moby/docker-image-spec v1.3.1 // indirect
	github.com/opencontainers/go-digest v1.0.0 // indirect
	github.com/opencontainers/image-spec v1.0.2 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/xeipuuv/gojsonpointer v0.0.0-20180127040702-4e3ac2762d5f // indirect
	github.com/xeipuuv/gojsonreference v0.0.0-20180127040603-bd5ef7bd5415 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/tools v0.49.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
	gotest.tools/v3 v3.5.2 // indirect
)
