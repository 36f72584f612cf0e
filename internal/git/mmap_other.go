//go:build !unix && !windows

package git

import "os"

// mapFile reads the whole file into memory on systems without mmap.
func mapFile(path string) (data []byte, release func() error, err error) {
	data, err = os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return data, func() error { return nil }, nil
}
