package main

import "runtime/debug"

func goVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown build"
	}
	s := info.GoVersion
	for _, kv := range info.Settings {
		if kv.Key == "vcs.revision" && len(kv.Value) >= 12 {
			s += ", commit " + kv.Value[:12]
		}
	}
	return s
}

// buildID identifies this build for the render fingerprint
// (themes.WithBuild): the version set at build time, the main module's
// version and the VCS revision Go stamped, with a mark when the work tree
// had uncommitted changes. Builds without VCS information (go build
// -buildvcs=false, tests) fall back to the version alone, and the
// fingerprint to the themes' files and themes.RenderVersion.
func buildID() string {
	id := "version=" + version
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return id
	}
	id += " module=" + info.Main.Version
	for _, kv := range info.Settings {
		switch kv.Key {
		case "vcs.revision", "vcs.modified":
			id += " " + kv.Key + "=" + kv.Value
		}
	}
	return id
}
