package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// versionInfo is what the binary knows about its own build.
type versionInfo struct {
	Version  string // module version, "(devel)" for a build from a checkout
	Commit   string // VCS revision, "unknown" when built without VCS stamping
	Time     string // commit time
	Modified bool   // built from a tree with uncommitted changes
	Go       string
}

func buildVersion() versionInfo {
	v := versionInfo{Version: "(devel)", Commit: "unknown", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

func versionCommand() *command {
	return &command{
		name:     "version",
		summary:  "print the version, commit and Go version",
		noConfig: true,
		run: func(_ context.Context, m *Main) error {
			v := buildVersion()
			commit := v.Commit
			if v.Time != "" {
				commit += " (" + v.Time + ")"
			}
			if v.Modified {
				commit += " with uncommitted changes"
			}
			fmt.Fprintf(m.Stdout, "ally %s\ncommit %s\n%s %s/%s\n", v.Version, commit, v.Go, runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
