package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// profileFlags are the -cpuprofile and -memprofile flags of the commands
// that check ranges, for measuring them where they run (docs/performance.md).
type profileFlags struct {
	cpu, mem *string
}

func addProfileFlags(fs *flagSet) profileFlags {
	return profileFlags{
		cpu: fs.String("cpuprofile", "", "write a CPU profile to `FILE` (for go tool pprof)"),
		mem: fs.String("memprofile", "", "write a heap profile to `FILE` when done (for go tool pprof)"),
	}
}

// start starts the CPU profile; the function it returns stops it and writes
// the heap profile, and must be called once the work is done.
func (p profileFlags) start() (stop func() error, err error) {
	if *p.mem != "" {
		runtime.MemProfileRate = 4096 // the default, 512 KiB, misses most of a short check
	}
	var cpu *os.File
	if *p.cpu != "" {
		if cpu, err = os.Create(*p.cpu); err != nil {
			return nil, fmt.Errorf("creating the CPU profile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, fmt.Errorf("starting the CPU profile: %w", err)
		}
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpu.Close())
		}
		if *p.mem != "" {
			errs = append(errs, writeHeapProfile(*p.mem))
		}
		return errors.Join(errs...)
	}, nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating the heap profile: %w", err)
	}
	runtime.GC() // the profile shows the live heap as of the last collection
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("writing the heap profile: %w", err)
	}
	return f.Close()
}
