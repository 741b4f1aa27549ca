package stacks

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/webvig/stackgen/failure"
	"github.com/webvig/stackgen/generator"
	"github.com/webvig/stackgen/internal/readfile"
)

// maxSealed bounds a sealed password file: a few recipients' stanzas and a short payload.
const maxSealed = 1 << 20

// DefaultPath is where a repository keeps the default spec, relative to its root.
var DefaultPath = filepath.Join("stacks", filepath.FromSlash(Default))

// Source is where a spec was read from: the embedded default or a directory on disk.
type Source struct {
	Name     string // the spec's file name in Dir, or its name in FS when embedded
	Show     string // the name in messages
	Dir      string // the spec's directory on disk, "" when embedded
	Root     string // the repository the spec belongs to (Root(Dir), else Dir); files it reads stay inside
	Embedded bool   // no SPEC was given and no repository spec was found
}

// Root is the repository root at or above dir: the nearest directory holding .git (a directory, or
// a file in a worktree); "" when there is none.
func Root(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for cur := abs; ; cur = filepath.Dir(cur) {
		if _, err := os.Lstat(filepath.Join(cur, ".git")); err == nil {
			return cur
		}
		if filepath.Dir(cur) == cur {
			return ""
		}
	}
}

// within reports whether path, once every symlink is followed, is root or below it (root's own links
// followed too). A path that does not exist yet is judged by its parent directory.
func within(root, path string) (real string, ok bool) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err == nil {
		realRoot, err = filepath.Abs(realRoot)
	}
	if err == nil {
		path, err = filepath.Abs(path)
	}
	if err != nil {
		return "", false
	}
	real, err = filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		var dir string
		if dir, err = filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
			real = filepath.Join(dir, filepath.Base(path))
		}
	}
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(realRoot, real)
	return real, err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// FindUp looks for the file rel in dir and each of its parents up to the repository root (Root),
// never above it, and returns the first found as a path from the working directory (relative where
// it can be, else absolute); "" when there is none. Outside a repository it looks up to /.
func FindUp(dir, rel string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	wd, _ := os.Getwd()
	root := Root(abs)
	for cur := abs; ; cur = filepath.Dir(cur) {
		p := filepath.Join(cur, rel)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			if r, err := filepath.Rel(wd, p); err == nil && wd != "" {
				return r
			}
			return p
		}
		if filepath.Dir(cur) == cur || cur == root {
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
	src := &Source{Name: Default, Show: "stacks/" + Default, Embedded: true}
	if arg = Resolve(arg); arg != "" {
		dir, base := filepath.Split(arg)
		if dir == "" {
			dir = "."
		}
		src = &Source{Name: base, Show: arg, Dir: dir, Root: Root(dir)}
		if src.Root == "" {
			src.Root = dir
		}
		if real, ok := within(src.Root, dir); !ok && real != "" {
			return nil, nil, failure.Errorf("%s: the spec's directory resolves to %s, outside its repository %s", src.Show, real, src.Root).
				Hint("keep the spec and its sealed password in the repository, not behind a symbolic link out of it")
		}
	}
	data, err := src.read(src.Name, generator.MaxSpecSize)
	if err != nil {
		return nil, nil, failure.Errorf("%s: %s", src.Show, readfile.Describe(err)).Hint("give the path of a stack spec, or run in a repository with %s", DefaultPath)
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

// SealedPath is the password file's path on disk (for seal to write), beside the spec. It is an
// error when the path leads out of the spec's repository through a symbolic link.
func (src *Source) SealedPath(spec *generator.Spec) (string, error) {
	p := filepath.Join(src.Dir, filepath.FromSlash(spec.Password.File))
	if real, ok := within(src.Root, p); !ok {
		return "", spec.Errorf("password.file", "%s resolves to %s, outside the spec's repository %s; keep the sealed password in the repository",
			spec.Password.File, orUnresolved(real), src.Root)
	}
	return p, nil
}

func orUnresolved(real string) string {
	if real == "" {
		return "a path that cannot be resolved"
	}
	return real
}

// Sealed reads the sealed password file beside the spec.
func (src *Source) Sealed(spec *generator.Spec) ([]byte, error) {
	name := path.Join(path.Dir(src.Name), spec.Password.File)
	if !src.Embedded {
		p := filepath.Join(src.Dir, filepath.FromSlash(spec.Password.File))
		if _, err := os.Lstat(p); err == nil {
			if _, err := src.SealedPath(spec); err != nil {
				return nil, err
			}
		}
	}
	data, err := src.read(name, maxSealed)
	if err != nil {
		return nil, failure.Wrap(spec.Errorf("password.file", "%s: %s", spec.Password.File, readfile.Describe(err))).
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

// read reads a file of the source, name relative to the spec's directory (slash-separated): from
// the embedded copy, or from disk as readfile reads (a regular file, at most max bytes).
func (src *Source) read(name string, max int64) ([]byte, error) {
	if src.Embedded {
		data, err := FS.ReadFile(name)
		if err == nil && int64(len(data)) > max {
			return nil, &readfile.TooLargeError{Max: max}
		}
		return data, err
	}
	return readfile.Read(filepath.Join(src.Dir, filepath.FromSlash(name)), max, readfile.Options{})
}
