package lint

// lintAll is every finding of d under pol, for the tests that build documents themselves.
func lintAll(d *Document, pol *Policy) []Finding {
	found, _ := d.lint(pol, false, MaxFindingsPerFile)
	return found
}
