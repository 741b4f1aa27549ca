package lint

import "path/filepath"

// File is one input: its name (for findings) and bytes.
type File struct {
	Name string
	Data []byte
}

// CheckOptions say how Check loads and judges files.
type CheckOptions struct {
	// PolicyFor gives the policy of a file (the command line finds .stackgen.yaml upward); an error
	// stops the run.
	PolicyFor       func(file string) (*Policy, error)
	Env             Env
	MaxSize         int
	Merge           bool // merge the files in order, as Compose merges overrides, into one document
	NoInlineIgnores bool
	// FileExists says whether a file exists (the command line stats it); env_file paths are resolved
	// against the stack file's directory, as docker does, or the working directory for stdin.
	FileExists func(path string) bool
}

// Check loads each file (or their merge) and lints it with its policy. Files that cannot be linted
// at all (not YAML, too big, ...) are returned as inputErrs and the others are still checked; err is
// a policy that could not be loaded.
func Check(files []File, o CheckOptions) (res *Result, inputErrs []error, err error) {
	res = &Result{}
	run := func(d *Document, file string) error {
		pol, err := o.PolicyFor(file)
		if err != nil {
			return err
		}
		if o.FileExists != nil {
			dir := "."
			if file != "<stdin>" {
				dir = filepath.Dir(file)
			}
			d.FileExists = func(p string) bool {
				if !filepath.IsAbs(p) {
					p = filepath.Join(dir, p)
				}
				return o.FileExists(p)
			}
		}
		r := Run([]*Document{d}, Options{Policy: pol, NoInlineIgnores: o.NoInlineIgnores})
		res.Findings = append(res.Findings, r.Findings...)
		res.Files += r.Files
		return nil
	}
	if o.Merge {
		names := make([]string, len(files))
		datas := make([][]byte, len(files))
		for i, f := range files {
			names[i], datas[i] = f.Name, f.Data
		}
		d, err := Merge(names, datas, o.Env, o.MaxSize)
		if err != nil {
			return res, []error{err}, nil
		}
		return res, nil, run(d, names[0])
	}
	for _, f := range files {
		d, err := Load(f.Name, f.Data, o.Env, o.MaxSize)
		if err != nil {
			inputErrs = append(inputErrs, err)
			continue
		}
		if err := run(d, f.Name); err != nil {
			return res, inputErrs, err
		}
	}
	SortFindings(res.Findings)
	return res, inputErrs, nil
}
