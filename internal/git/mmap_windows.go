//go:build windows

package git

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

// mapFile maps the whole file read-only into memory, as git does with pack
// files and their indexes. The mapping outlives the file handle; release
// undoes it.
func mapFile(path string) (data []byte, release func() error, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if size <= 0 || int64(int(size)) != size {
		return nil, nil, fmt.Errorf("mapping %s: unusable size %d", path, size)
	}
	h, err := syscall.CreateFileMapping(syscall.Handle(f.Fd()), nil, syscall.PAGE_READONLY, uint32(size>>32), uint32(size), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("mapping %s: %w", path, err)
	}
	addr, err := syscall.MapViewOfFile(h, syscall.FILE_MAP_READ, 0, 0, uintptr(size))
	syscall.CloseHandle(h)
	if err != nil {
		return nil, nil, fmt.Errorf("mapping %s: %w", path, err)
	}
	// addr is memory outside the Go heap; read it as a pointer without a
	// uintptr-to-pointer conversion.
	ptr := *(*unsafe.Pointer)(unsafe.Pointer(&addr))
	data = unsafe.Slice((*byte)(ptr), int(size))
	return data, func() error { return syscall.UnmapViewOfFile(addr) }, nil
}
