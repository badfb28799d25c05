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
