package lint

import (
	"iter"
	"path/filepath"
)

// File is one input: its name (for findings) and bytes.
type File struct {
	Name string
	Data []byte
}

// Files yields files already in memory, for Check.
func Files(files ...File) iter.Seq2[File, error] {
	return func(yield func(File, error) bool) {
		for _, f := range files {
			if !yield(f, nil) {
				return
			}
		}
	}
}

// Options say how Check loads and judges files.
type Options struct {
	// Policy gives the policy of a file (the command line finds .stackgen.yaml upward); an error
	// stops the run. nil means the built-in default for every file.
	Policy          func(file string) (*Policy, error)
	Env             Env
	MaxSize         int  // bytes per file; MaxFileSize when 0
	Merge           bool // merge the files in order, as docker stack deploy -c A -c B does, into one document
	NoInlineIgnores bool
	// FileExists says whether a file exists (the command line stats it); env_file paths are resolved
	// against the stack file's directory, as docker does, or the working directory for stdin.
	FileExists func(path string) bool
	// Judged, when set, is given each document once it is judged (a file, or the merge), for a
	// caller that goes on to read it (plan converts it into service specs).
	Judged func(d *Document)
}

// Check lints each file the sequence yields, or with Merge their merge, each with its policy, and
// returns the findings sorted by file and position. The sequence is read one file at a time and no
// file's bytes are kept once it is judged (with Merge, all are held until the merge). What cannot be
// linted at all (an error the sequence yields, a file that is not YAML or too big) is returned in
// inputErrs and the other files are still checked; err is a policy that could not be loaded.
func Check(files iter.Seq2[File, error], o Options) (res *Result, inputErrs []error, err error) {
	res = &Result{}
	judge := func(d *Document, file string) error {
		pol := DefaultPolicy()
		if o.Policy != nil {
			if pol, err = o.Policy(file); err != nil {
				return err
			}
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
		limit := min(MaxFindingsPerFile, max(0, MaxFindings-len(res.Findings)))
		found, omitted := d.lint(pol, o.NoInlineIgnores, limit)
		res.Findings = append(res.Findings, found...)
		res.Omitted = append(res.Omitted, omitted...)
		res.Files += len(d.files)
		if o.Judged != nil {
			o.Judged(d)
		}
		return nil
	}
	var names []string
	var datas [][]byte
	for f, ferr := range files {
		switch {
		case ferr != nil:
			inputErrs = append(inputErrs, ferr)
		case o.Merge:
			names, datas = append(names, f.Name), append(datas, f.Data)
		default:
			d, lerr := load(f.Name, f.Data, o.Env, o.MaxSize)
			if lerr != nil {
				inputErrs = append(inputErrs, lerr)
				continue
			}
			if err := judge(d, f.Name); err != nil {
				return res, inputErrs, err
			}
		}
	}
	if o.Merge && len(names) > 0 && len(inputErrs) == 0 {
		d, merr := merge(names, datas, o.Env, o.MaxSize)
		if merr != nil {
			return res, []error{merr}, nil
		}
		if err := judge(d, names[0]); err != nil {
			return res, inputErrs, err
		}
	}
	sortFindings(res.Findings)
	return res, inputErrs, nil
}
