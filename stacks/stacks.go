// Package stacks embeds the stack specs under this directory. They are the defaults stackgen renders
// and, with the same bytes, test inputs.
package stacks

import "embed"

// FS holds every stack directory: a stack.yaml and the sealed password beside it.
//
//go:embed */stack.yaml */*.age
var FS embed.FS

// Default is the spec `stackgen render` uses without an argument.
const Default = "wheel_analyzer/stack.yaml"

// testIdentity is the committed, throwaway age identity that decrypts the sample password. stackgen
// knows it so that it can refuse to seal a real password to it or to deploy the sample by accident.
//
//go:embed testdata/TEST-ONLY-age-identity.txt
var TestIdentity string
