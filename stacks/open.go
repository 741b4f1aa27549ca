package stacks

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/generator"
)

// maxSealed bounds a sealed password file: a few recipients' stanzas and a short payload.
const maxSealed = 1 << 20

// DefaultPath is where a repository keeps the default spec, relative to its root.
var DefaultPath = filepath.Join("stacks", filepath.FromSlash(Default))

// Source is where a spec was read from: the embedded default or a directory on disk.
type Source struct {
	FS       fs.FS
	Name     string // the spec's name inside FS
	Show     string // the name in messages
	Dir      string // the spec's directory on disk, "" when embedded
	Embedded bool   // no SPEC was given and no repository spec was found
}

// FindUp looks for the file rel in dir and each of its parents and returns the first found as a path
// from the working directory (relative where it can be, else absolute); "" when there is none.
func FindUp(dir, rel string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	wd, _ := os.Getwd()
	for cur := abs; ; cur = filepath.Dir(cur) {
		p := filepath.Join(cur, rel)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			if r, err := filepath.Rel(wd, p); err == nil && wd != "" {
				return r
			}
			return p
		}
		if filepath.Dir(cur) == cur {
			return ""
		}
	}
}

// Resolve applies the one rule every command follows for its SPEC argument: the file given; else
// stacks/wheel_analyzer/stack.yaml in the working directory or the nearest parent that has one; else
// "" for the copy built into stackgen.
func Resolve(arg string) string {
	if arg != "" {
		return arg
	}
	return FindUp(".", DefaultPath)
}

// Open reads the spec that Resolve(arg) names (the embedded default when it names none) and applies
// the overrides. Every error names the file.
func Open(arg string, overrides []generator.Override) (*generator.Spec, *Source, error) {
	src := &Source{FS: FS, Name: Default, Show: "stacks/" + Default, Embedded: true}
	if arg = Resolve(arg); arg != "" {
		dir, base := filepath.Split(arg)
		if dir == "" {
			dir = "."
		}
		src = &Source{FS: os.DirFS(dir), Name: base, Show: arg, Dir: dir}
	}
	data, err := readLimited(src.FS, src.Name, generator.MaxSpecSize)
	if err != nil {
		return nil, nil, failure.Errorf("%s: %s", src.Show, DescribeOpenError(err)).Hint("give the path of a stack spec, or run in a repository with %s", DefaultPath)
	}
	spec, err := generator.ParseSpec(src.Show, data)
	if err != nil {
		return nil, nil, err
	}
	if err := spec.Apply(overrides); err != nil {
		return nil, nil, err
	}
	if strings.HasPrefix(path.Clean(spec.Password.File), "../") {
		return nil, nil, spec.Errorf("password.file", "%q leaves the spec's directory; keep the sealed password beside the spec", spec.Password.File)
	}
	return spec, src, nil
}

// SealedPath is the password file's path on disk (for seal to write), beside the spec.
func (src *Source) SealedPath(spec *generator.Spec) string {
	return filepath.Join(src.Dir, filepath.FromSlash(spec.Password.File))
}

// Sealed reads the sealed password file beside the spec.
func (src *Source) Sealed(spec *generator.Spec) ([]byte, error) {
	data, err := readLimited(src.FS, path.Join(path.Dir(src.Name), spec.Password.File), maxSealed)
	if err != nil {
		return nil, failure.Wrap(spec.Errorf("password.file", "%s: %s", spec.Password.File, DescribeOpenError(err))).
			Hint("seal a password first: stackgen secret seal %s", src.Show)
	}
	return data, nil
}

// Load is Open plus the sealed password file, for commands that need both.
func Load(arg string, overrides []generator.Override) (*generator.Spec, []byte, *Source, error) {
	spec, src, err := Open(arg, overrides)
	if err != nil {
		return nil, nil, nil, err
	}
	sealed, err := src.Sealed(spec)
	if err != nil {
		return nil, nil, nil, err
	}
	return spec, sealed, src, nil
}

// readLimited reads a whole file, refusing one larger than max bytes rather than reading it all.
func readLimited(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, errors.New("is a directory")
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return data, nil
}

// DescribeOpenError says why a file could not be opened, without Go's "open PATH:" prefix.
func DescribeOpenError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
