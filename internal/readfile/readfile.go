// Package readfile reads the files a user names or a checkout holds the one safe way: at most a
// bound, only regular files, and without hanging. The kind of file is judged after opening it
// (fstat), so a symlink swapped in between cannot slip a FIFO, a device or a socket past the check,
// and the open itself never blocks on a FIFO. A file that reports a small size and streams without
// end (/proc/self/pagemap, /dev/zero behind a link) stops at the bound.
package readfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is a FIFO, socket, device or directory where a file was expected.
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError is a file over the bound.
type TooLargeError struct{ Max int64 }

func (e *TooLargeError) Error() string { return fmt.Sprintf("larger than %d bytes", e.Max) }

// Options choose how a path is opened.
type Options struct {
	NoFollow bool // refuse a symlink as the last element of the path (O_NOFOLLOW)
}

// Read reads the regular file at path, at most max bytes. Errors are *fs.PathError values whose Err
// is ErrNotRegular, a *TooLargeError or the system's.
func Read(path string, max int64, o Options) ([]byte, error) {
	flags := syscall.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY | syscall.O_CLOEXEC
	if o.NoFollow {
		flags |= syscall.O_NOFOLLOW
	}
	fd, err := syscall.Open(path, flags, 0)
	if err != nil {
		if o.NoFollow && errors.Is(err, syscall.ELOOP) {
			err = fmt.Errorf("a symbolic link: %w", ErrNotRegular)
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%s: %w", Kind(st.Mode()), ErrNotRegular)}
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if int64(len(data)) > max {
		return nil, &fs.PathError{Op: "read", Path: path, Err: &TooLargeError{max}}
	}
	return data, nil
}

// Kind names a file mode's type for a message: "a FIFO", "a symbolic link", ...
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// Describe says why a file could not be read, without Go's "open PATH:" prefix.
func Describe(err error) string {
	var tl *TooLargeError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.As(err, &tl):
		return tl.Error()
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
