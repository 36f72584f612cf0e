// Command dockerfilecheck lints a Dockerfile with BuildKit's own checks, the
// ones "docker build --check" runs, without a Docker engine: it prints one
// line per warning and exits 1 when there is any.
//
//	go -C tools run ./dockerfilecheck ../Dockerfile
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: dockerfilecheck DOCKERFILE")
		os.Exit(2)
	}
	name := os.Args[1]
	dt, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dockerfilecheck: %v\n", err)
		os.Exit(2)
	}
	warnings := 0
	// The dispatch that docker build --check runs, all stages, reporting
	// each check's warning. The platform matters only to the checks of a
	// base image, which an image FROM scratch does not have.
	opt := dockerfile2llb.ConvertOpt{
		TargetPlatform: &ocispecs.Platform{OS: "linux", Architecture: "amd64"},
		AllStages:      true,
		Warn: func(rule, description, url, msg string, location []parser.Range) {
			line := 0
			if len(location) > 0 {
				line = location[0].Start.Line
			}
			fmt.Printf("%s:%d: %s: %s (%s)\n", name, line, rule, msg, url)
			warnings++
		},
	}
	if _, err := dockerfile2llb.Dockerfile2Outline(context.Background(), dt, opt); err != nil {
		fmt.Printf("%s: %v\n", name, err)
		os.Exit(1)
	}
	if warnings > 0 {
		os.Exit(1)
	}
	fmt.Printf("%s: no problems found by BuildKit's checks\n", name)
}
